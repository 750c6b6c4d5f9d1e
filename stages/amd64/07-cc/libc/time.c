/* time.c — the clock (clock_gettime, gettimeofday, time) and the calendar. There are no time
 * zones: localtime is gmtime (UTC), mktime reads a struct tm as UTC, tm_isdst is 0. strftime
 * knows %Y %m %d %H %M %S %y %j %a %A %b %B %e %p %c %D %F %T %s %Z (as "UTC") %z and %%. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/time.h>
#include <unistd.h>

/* clock_gettime: the kernel's clock (CLOCK_REALTIME, CLOCK_MONOTONIC, ...); -1 on error (errno not
 * set). */
int clock_gettime(int clock, struct timespec *ts) {
    /* 228: clock_gettime. The kernel's vDSO, which glibc uses to skip the system call, is not
     * looked for: one system call per reading is simple and fast enough. */
    long r = __syscall(228, clock, ts);
    return r < 0 ? -1 : 0;
}

/* gettimeofday: the real-time clock in microseconds; the time zone, if asked for, is UTC (zeros). */
int gettimeofday(struct timeval *tv, void *tz) {
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) < 0) return -1;
    if (tv) {
        tv->tv_sec = ts.tv_sec;
        tv->tv_usec = ts.tv_nsec / 1000;
    }
    if (tz) memset(tz, 0, sizeof(struct timezone));
    return 0;
}

/* time: seconds since 1970-01-01 00:00:00 UTC. */
time_t time(time_t *t) {
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) < 0) return -1;
    if (t) *t = ts.tv_sec;
    return ts.tv_sec;
}

/* clock: the processor time this process used, in microseconds (CLOCK_PROCESS_CPUTIME_ID). */
clock_t clock(void) {
    struct timespec ts;
    /* 2: CLOCK_PROCESS_CPUTIME_ID. clock_t counts microseconds (CLOCKS_PER_SEC 1000000, as POSIX
     * requires). */
    if (clock_gettime(2, &ts) < 0) return -1;
    return ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* difftime: end - start in seconds; nanosleep: the kernel's sleep. */
double difftime(time_t end, time_t start) { return (double)(end - start); }

int nanosleep(const struct timespec *wanted, struct timespec *left) {
    return __syscall(35, wanted, left) < 0 ? -1 : 0;
}

/* days_from_civil: days since 1970-01-01 of a date of the proleptic Gregorian calendar
 * (month 1 to 12); eras of 400 years make it exact for every year, negative ones too. */
static long days_from_civil(long year, int month, int day) {
    long era;
    long year_of_era;
    long day_of_year;
    long day_of_era;
    if (month <= 2) year--;
    /* C's division truncates toward zero; before year 0 the era must round down, hence the -399. */
    era = (year >= 0 ? year : year - 399) / 400;
    year_of_era = year - era * 400;
    day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

/* gmtime_r: the broken-down UTC time of t (any year, negative times too). */
struct tm *gmtime_r(const time_t *t, struct tm *out) {
    long seconds = *t;
    long days = seconds / 86400;
    long rest = seconds % 86400;
    long era;
    long day_of_era;
    long year_of_era;
    long day_of_year;
    long mp;
    long year;
    long day_number;
    int month;
    /* Before 1970 the remainder is negative: borrow a day so that the time of day is 0..86399. */
    if (rest < 0) {
        rest += 86400;
        days--;
    }
    out->tm_hour = rest / 3600;
    out->tm_min = rest / 60 % 60;
    out->tm_sec = rest % 60;
    /* 1970-01-01 was a Thursday (4); the double % keeps negative day counts in 0..6. */
    out->tm_wday = (int)(((days + 4) % 7 + 7) % 7);
    day_number = days;
    /* The civil date of a day count: the inverse of days_from_civil. */
    days += 719468;
    era = (days >= 0 ? days : days - 146096) / 146097;
    day_of_era = days - era * 146097;
    year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    year = year_of_era + era * 400;
    day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    mp = (5 * day_of_year + 2) / 153;
    out->tm_mday = (int)(day_of_year - (153 * mp + 2) / 5 + 1);
    month = (int)(mp < 10 ? mp + 3 : mp - 9);
    if (month <= 2) year++;
    out->tm_mon = month - 1;
    out->tm_year = (int)(year - 1900);
    out->tm_yday = (int)(day_number - days_from_civil(year, 1, 1));
    out->tm_isdst = 0;
    out->tm_gmtoff = 0;
    out->tm_zone = "UTC";
    return out;
}

/* The one struct gmtime and localtime return (C allows it: they are not reentrant). */
static struct tm time_broken_down;

/* gmtime, localtime (UTC: no time zones), localtime_r: gmtime_r, the first two into one struct
 * that the next call reuses. */
struct tm *gmtime(const time_t *t) { return gmtime_r(t, &time_broken_down); }
struct tm *localtime(const time_t *t) { return gmtime_r(t, &time_broken_down); }
struct tm *localtime_r(const time_t *t, struct tm *out) { return gmtime_r(t, out); }

/* mktime: the seconds of a broken-down UTC time; fields out of range carry (month 13 is January
 * of the next year), and the struct is normalized by gmtime_r. */
time_t mktime(struct tm *tm) {
    long year = tm->tm_year + 1900L;
    long month = tm->tm_mon;
    time_t t;
    /* A month out of 0..11 carries into the year (C's division truncates, hence the fix for a
     * negative month); days, hours, minutes and seconds out of range need no carry: they are
     * simply added as seconds, and gmtime_r brings the struct back into range. */
    year += month / 12;
    month %= 12;
    if (month < 0) {
        month += 12;
        year--;
    }
    t = days_from_civil(year, (int)month + 1, 1) + tm->tm_mday - 1;
    t = t * 86400 + tm->tm_hour * 3600L + tm->tm_min * 60L + tm->tm_sec;
    gmtime_r(&t, tm);
    return t;
}

static const char *day_names[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
static const char *month_names[] = {"January", "February", "March", "April", "May", "June", "July",
                                    "August", "September", "October", "November", "December"};

/* strftime: format with the conversions listed above; 0 when the result does not fit in n bytes. */
size_t strftime(char *s, size_t n, const char *format, const struct tm *tm) {
    size_t length = 0;
    char piece[64];
    const char *f;
    size_t k;
    for (f = format; *f; f++) {
        piece[0] = *f;
        piece[1] = 0;
        if (*f == '%' && f[1]) {
            f++;
            switch (*f) {
            case 'Y': snprintf(piece, sizeof piece, "%d", tm->tm_year + 1900); break;
            case 'y': snprintf(piece, sizeof piece, "%02d", (tm->tm_year + 1900) % 100); break;
            case 'm': snprintf(piece, sizeof piece, "%02d", tm->tm_mon + 1); break;
            case 'd': snprintf(piece, sizeof piece, "%02d", tm->tm_mday); break;
            case 'e': snprintf(piece, sizeof piece, "%2d", tm->tm_mday); break;
            case 'H': snprintf(piece, sizeof piece, "%02d", tm->tm_hour); break;
            case 'M': snprintf(piece, sizeof piece, "%02d", tm->tm_min); break;
            case 'S': snprintf(piece, sizeof piece, "%02d", tm->tm_sec); break;
            case 'j': snprintf(piece, sizeof piece, "%03d", tm->tm_yday + 1); break;
            case 'p': strcpy(piece, tm->tm_hour < 12 ? "AM" : "PM"); break;
            case 'a': snprintf(piece, sizeof piece, "%.3s", day_names[tm->tm_wday % 7]); break;
            case 'A': strcpy(piece, day_names[tm->tm_wday % 7]); break;
            case 'b': case 'h': snprintf(piece, sizeof piece, "%.3s", month_names[tm->tm_mon % 12]); break;
            case 'B': strcpy(piece, month_names[tm->tm_mon % 12]); break;
            case 'c':
                snprintf(piece, sizeof piece, "%.3s %.3s %2d %02d:%02d:%02d %d", day_names[tm->tm_wday % 7],
                         month_names[tm->tm_mon % 12], tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec, tm->tm_year + 1900);
                break;
            case 'D': snprintf(piece, sizeof piece, "%02d/%02d/%02d", tm->tm_mon + 1, tm->tm_mday, (tm->tm_year + 1900) % 100); break;
            case 'F': snprintf(piece, sizeof piece, "%d-%02d-%02d", tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday); break;
            case 'T': snprintf(piece, sizeof piece, "%02d:%02d:%02d", tm->tm_hour, tm->tm_min, tm->tm_sec); break;
            case 's': {
                struct tm copy = *tm;
                snprintf(piece, sizeof piece, "%ld", (long)mktime(&copy));
                break;
            }
            case 'Z': strcpy(piece, "UTC"); break;
            case 'z': strcpy(piece, "+0000"); break;
            case 'n': strcpy(piece, "\n"); break;
            case 't': strcpy(piece, "\t"); break;
            case '%': strcpy(piece, "%"); break;
            default: snprintf(piece, sizeof piece, "%%%c", *f); break;
            }
        }
        /* Each conversion is formatted into `piece` first, then copied while it fits: n counts the
         * NUL too, and a result that does not fit returns 0 (the contents of s are then unspecified). */
        for (k = 0; piece[k]; k++) {
            if (length + 1 >= n) return 0;
            s[length++] = piece[k];
        }
    }
    if (length >= n) return 0;
    s[length] = 0;
    return length;
}

/* asctime: "Thu Jan  1 00:00:00 1970\n", in one buffer that the next call reuses. */
char *asctime(const struct tm *tm) {
    static char text[64];
    snprintf(text, sizeof text, "%.3s %.3s%3d %02d:%02d:%02d %d\n", day_names[tm->tm_wday % 7],
             month_names[tm->tm_mon % 12], tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec, tm->tm_year + 1900);
    return text;
}

/* ctime: asctime(localtime(t)). */
char *ctime(const time_t *t) { return asctime(localtime(t)); }

// The one HTTP client sources use: undici's EnvHttpProxyAgent, so HTTP(S)_PROXY and NO_PROXY are
// honoured, with a connect timeout and a stall timeout. undici's headersTimeout and bodyTimeout
// both measure time without data (before the headers; between body chunks), which is exactly a
// stall, so a slow but steady download is never cut off while a silent one is.
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { ProxySettings } from './settings.js';

export interface HttpClientOptions {
  readonly connectTimeoutMs: number;
  readonly stallTimeoutMs: number;
  readonly proxy: ProxySettings;
}

export function createHttpClient(options: HttpClientOptions): Dispatcher {
  return new EnvHttpProxyAgent({
    // Explicit values (empty for "none") keep undici from reading process.env itself.
    httpProxy: options.proxy.httpProxy,
    httpsProxy: options.proxy.httpsProxy,
    noProxy: options.proxy.noProxy,
    connectTimeout: options.connectTimeoutMs,
    headersTimeout: options.stallTimeoutMs,
    bodyTimeout: options.stallTimeoutMs,
  });
}

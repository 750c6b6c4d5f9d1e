// `make bench`: each benchmark prints its figures and the ratio that matters.
import { measureOverhead } from './overhead.mjs';

const perStage = (ms, n) => `${(ms / n).toFixed(1)} ms/stage`;

const overhead = await measureOverhead();
console.log(`orchestrator overhead, ${overhead.stages} trivial stages under bubblewrap:`);
console.log(`  by hand (bwrap directly):   ${perStage(overhead.handMs, overhead.stages)}`);
console.log(`  kindling bootstrap:         ${perStage(overhead.kindlingMs, overhead.stages)}`);
console.log(`  kindling, all cached:       ${perStage(overhead.cachedMs, overhead.stages)}`);
console.log(`  ratio kindling / by hand:   ${(overhead.kindlingMs / overhead.handMs).toFixed(2)}`);
console.log(`  overhead per stage:         ${((overhead.kindlingMs - overhead.handMs) / overhead.stages).toFixed(1)} ms`);

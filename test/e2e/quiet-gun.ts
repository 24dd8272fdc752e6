// Import before 'gun': GUN greets on load and per instance; keep test and bench output readable.
const noise = /Hello wonderful person|AXE relay enabled|Multicast on|Warning: No localStorage/;
const log = console.log.bind(console);
console.log = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && noise.test(args[0])) return;
  log(...args);
};

// GUN greets on load; this module is imported before GUN so the relay's own output stays readable.
const greeting = /Hello wonderful person|AXE relay enabled|Multicast on/;
const log = console.log.bind(console);

console.log = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && greeting.test(args[0])) return;
  log(...args);
};

/** The unfiltered console.log, for the relay's own messages. */
export const relayLog = log;

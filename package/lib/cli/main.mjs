// The command line: `cert-studio <command> [flags]`. Exit status 0 when the
// files are written, 2 for a mistake in the arguments (one line naming the
// flag, no stack trace), 1 for anything else.

import { chain } from './commands/chain.mjs';
import { deviceRegistry } from './commands/device-registry.mjs';
import { edge } from './commands/edge.mjs';
import { enroll } from './commands/enroll.mjs';
import { eventGrid } from './commands/event-grid.mjs';
import { inspect } from './commands/inspect.mjs';
import { iotOperations } from './commands/iot-operations.mjs';
import { renew } from './commands/renew.mjs';
import { sign } from './commands/sign.mjs';
import { verify } from './commands/verify.mjs';
import { editDistance } from './args.mjs';
import { UsageError, asUsageError } from './errors.mjs';

const COMMANDS = { chain, edge, enroll, 'event-grid': eventGrid, 'iot-operations': iotOperations, 'device-registry': deviceRegistry, verify, sign, renew, inspect };

function usage() {
  const lines = [
    'Usage: cert-studio <command> [flags]',
    '',
    'The Azure IoT X.509 tutorial\'s certificates without a browser: the certificate studio\'s',
    'WebAssembly core, with keys made in parallel on worker threads. Works offline.',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(15)} ${command.about}`),
    '',
    'Every command takes --help. Files go to --out DIR (the tutorial\'s folder layout) or --zip FILE;',
    'nothing there is replaced without --force. --json prints a summary on stdout. Progress is',
    'shown on stderr when it is a terminal. Each password flag has a -file twin (- reads standard',
    'input) and an environment variable (--ca-key-password: CERT_STUDIO_CA_KEY_PASSWORD).',
    'Exit status: 0 done, 2 bad arguments (the message names the flag), 1 anything else.',
    '',
    'Examples:',
    '  cert-studio chain --out certs-out',
    '  cert-studio verify --ca certs-out --code A1B2C3D4E5F60718293A4B5C6D7E8F9011223344556677AB --out verified',
    '  cert-studio chain --help',
    '',
  ];
  return lines.join('\n');
}

export async function main(argv) {
  const [name, ...rest] = argv;
  try {
    if (name === undefined) {
      // As git and step do: no command is a mistake, and the usage says what to type.
      process.stderr.write(usage());
      return 2;
    }
    if (name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(usage());
      return 0;
    }
    if (name === '--version') {
      const { readFileSync } = await import('node:fs');
      process.stdout.write(`${JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version}\n`);
      return 0;
    }
    const command = COMMANDS[name];
    if (!command) {
      const near = Object.keys(COMMANDS).find((known) => editDistance(name, known) <= 2);
      throw new UsageError(JSON.stringify(name), `is not a command${near ? `; did you mean ${near}?` : '.'} The commands are ${Object.keys(COMMANDS).join(', ')} (cert-studio --help)`, ' ');
    }
    await command.run(rest);
    return 0;
  } catch (thrown) {
    if (process.env.CERT_STUDIO_DEBUG) console.error(thrown);
    // A core error naming a spec field is a bad argument too: the flag of the same name.
    const error = asUsageError(thrown);
    if (error instanceof UsageError) {
      process.stderr.write(`cert-studio${COMMANDS[name] ? ` ${name}` : ''}: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`cert-studio${COMMANDS[name] ? ` ${name}` : ''}: ${error?.message ?? error}\n`);
    return 1;
  }
}

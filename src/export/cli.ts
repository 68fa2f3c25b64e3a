// The `export` subcommand as a process: its exit codes are the operator's (2 for a bad flag, 1 for a failure).
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigError, readExportCommand } from '../config.ts';
import { UnknownIntegrationTypeError } from '../integrations/index.ts';
import { exportOrganization, ExportError } from './export.ts';

/** Runs `export` when this process was started for it and returns its exit code; undefined otherwise. */
export async function runExportCommand(): Promise<number | undefined> {
  let command;
  try {
    command = readExportCommand();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  if (command === undefined) return undefined;
  const kc = new KubeConfig();
  if (command.kubeconfig === null) kc.loadFromDefault();
  else kc.loadFromFile(command.kubeconfig);
  try {
    process.stdout.write(await exportOrganization(kc, command));
    return 0;
  } catch (error) {
    if (error instanceof UnknownIntegrationTypeError) {
      process.stderr.write(`export: --type: ${error.message}\n`);
      return 2;
    }
    const code = error instanceof ExportError ? `${error.code}: ` : '';
    process.stderr.write(`export failed: ${code}${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

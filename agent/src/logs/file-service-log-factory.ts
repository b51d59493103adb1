// Opens service logs at $HOME/admin/logs/services/<name>.log for the supervisor, refusing any
// path the account's user could have redirected (see log-directory.ts for the ownership rule).
import { fstatSync } from "node:fs";
import type { AccountRuntime } from "@vigil/shared";
import { FileServiceLog } from "./file-service-log.js";
import { type CompiledFileServiceLogOptions, compileFileServiceLogOptions, type FileServiceLogOptions } from "./file-service-log-options.js";
import { openLogDirectory } from "./log-directory.js";
import { closeQuietly, openAppendFile } from "./safe-open.js";
import { LogPathRefused, type ServiceLogFactory } from "./service-log.js";

/** DESIGN.md's service name rule: also guarantees the name is one safe path component. */
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

export class FileServiceLogFactory implements ServiceLogFactory {
  private readonly options: CompiledFileServiceLogOptions;

  constructor(options: FileServiceLogOptions = {}) {
    this.options = compileFileServiceLogOptions(options);
  }

  async open(account: AccountRuntime, serviceName: string): Promise<FileServiceLog> {
    if (!SERVICE_NAME.test(serviceName)) {
      throw new LogPathRefused(serviceName, `refusing to write the service log: "${serviceName}" is not a valid service name`);
    }
    const directory = openLogDirectory(account);
    const fileName = `${serviceName}.log`;
    try {
      const fd = openAppendFile(directory.fd, fileName, `${directory.path}/${fileName}`, directory.owner);
      return new FileServiceLog(directory, fileName, fd, fstatSync(fd).size, this.options);
    } catch (error) {
      closeQuietly(directory.fd);
      throw error;
    }
  }
}

// Which account `vigil apply` changes: --account, else the file's `account:`, else the default
// account (VIGIL_ACCOUNT or the config file), else "" for the server to take the token's own.

export interface AccountSources {
  /** The `account:` line of the services file, "" when it has none. */
  readonly file: string;
  /** The --account flag as typed, undefined when not given. */
  readonly flag: string | undefined;
  /** VIGIL_ACCOUNT or the config file's account, "" when neither. */
  readonly fallback: string;
}

/** The file is explicit, a default is not: only an --account that disagrees with it is an error. */
export function chooseApplyAccount(sources: AccountSources): { readonly account: string } | { readonly conflict: string } {
  const flag = sources.flag ?? "";
  if (flag !== "" && sources.file !== "" && flag !== sources.file) {
    return { conflict: `account: the file is for ${sources.file} but --account says ${flag}` };
  }
  return { account: flag || sources.file || sources.fallback };
}

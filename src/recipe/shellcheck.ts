/**
 * The shellcheck checks generated files are exempt from, and why; nothing else is excluded.
 * Tests lint every rendered file with these, and the initd carries its own as a directive.
 */
export const SHELLCHECK_EXCLUSIONS = {
  apkbuild: {
    // pkgname, depends, options, … are read by abuild, not by the APKBUILD itself.
    SC2034: 'variables read by abuild',
    // srcdir, pkgdir and startdir are set by abuild before it calls the functions.
    SC2154: 'variables set by abuild',
    // user blocks (build.command, package) say `cd "$srcdir"` as APKBUILDs conventionally do.
    SC2164: 'cd without || return in pasted user blocks',
    // Elixir build commands say `mix do deps.get, compile`, which shellcheck reads as a stray `do`.
    SC1010: '`mix do` in pasted user blocks',
  },
  openrc: {
    // name, description, extra_commands, supervisor, … are read by openrc-run.
    SC2034: 'variables read by openrc-run',
  },
} as const

export type ShellcheckProfile = keyof typeof SHELLCHECK_EXCLUSIONS

export function shellcheckExclusions(profile: ShellcheckProfile): string[] {
  return Object.keys(SHELLCHECK_EXCLUSIONS[profile])
}

import type { PhaseReporter } from '../report/index.js'

/**
 * Every secret a push reads or is given (Instellar's tokens and session token, the storage keys,
 * AWS credentials), registered the moment it is read: `onAdd` masks it in the Actions log, and
 * `redact` takes it out of any text we write ourselves (errors, CLI output).
 */
export class Secrets {
  private readonly values = new Set<string>()

  /** `masked`: secrets the caller has masked already (onAdd is not called for them). */
  constructor(
    private readonly onAdd: (value: string) => void = () => {},
    masked: (string | undefined)[] = [],
  ) {
    for (const value of masked) if (value) this.values.add(value)
  }

  add(value: string | undefined): void {
    if (!value || this.values.has(value)) return
    this.values.add(value)
    this.onAdd(value)
  }

  redact(text: string): string {
    let out = text
    // longest first, so a secret that contains another is replaced whole
    for (const value of [...this.values].sort((a, b) => b.length - a.length))
      out = out.split(value).join('***')
    return out
  }

  /** The reporter with these secrets taken out of every line, including those added later. */
  redacting(reporter: PhaseReporter): PhaseReporter {
    return {
      option: reporter.option,
      info: (line) => reporter.info(this.redact(line)),
      notice: (message) => reporter.notice(this.redact(message)),
      warning: (message) => reporter.warning(this.redact(message)),
    }
  }
}

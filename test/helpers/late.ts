/**
 * An object that stands for one a beforeAll starts: a test file's hooks hand it out at the top
 * level, and every property read or set reaches the started one. Used before it is started (at
 * the top level, outside a test), it throws and names what is missing.
 */
export function late<T extends object>(what: string, current: () => T | undefined): T {
  const instance = (): T => {
    const value = current()
    if (!value) throw new Error(`${what} is used before the beforeAll that starts it`)
    return value
  }
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(instance(), key) as unknown,
    set: (_, key, value) => Reflect.set(instance(), key, value),
  })
}

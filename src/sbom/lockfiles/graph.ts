/** Every node reached from the roots through next, the roots included. */
export function reachable<T>(roots: Iterable<T>, next: (node: T) => Iterable<T>): Set<T> {
  const seen = new Set<T>()
  const pending = [...roots]
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (seen.has(node)) continue
    seen.add(node)
    pending.push(...next(node))
  }
  return seen
}

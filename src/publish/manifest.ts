/** pakman.json: what a build artifact holds, so a merge job knows each one's stack and arch. */
export const MANIFEST = 'pakman.json'

export interface Manifest {
  package: string
  version: string
  release: number
  stack: string
  arch: string
  keyName: string
}

// bottleneck ships types for its main entry only; light.js is the same class without Redis
// clustering, and the build the Octokit plugins load, so one copy ends up in the bundle.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck'
  export default Bottleneck
}

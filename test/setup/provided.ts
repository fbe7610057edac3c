import 'vitest'
declare module 'vitest' {
  export interface ProvidedContext {
    influxUrl: string
    chromiumPath: string
  }
}
export {}

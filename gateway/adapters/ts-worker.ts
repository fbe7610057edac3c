import { Worker, type WorkerOptions } from 'node:worker_threads'

/**
 * A worker thread running a TypeScript module. The platform runs its sources
 * through tsx, and a worker thread does not inherit the loader its parent was
 * started with (`node --import tsx`, or vitest's): the thread registers tsx
 * itself before importing the module.
 */
export function startTsWorker(module: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const tsx = import.meta.resolve('tsx/esm/api')
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}) })`
  return new Worker(boot, { ...options, eval: true })
}

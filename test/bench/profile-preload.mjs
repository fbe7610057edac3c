import inspector from 'node:inspector'
import { writeFileSync } from 'node:fs'
import v8 from 'node:v8'
const dir = process.env.PROF_DIR
if (process.env.PROF_TRACE_GC) v8.setFlagsFromString('--trace-gc')
if (dir) {
  const s = new inspector.Session()
  s.connect()
  s.post('Profiler.enable')
  s.post('Profiler.setSamplingInterval', { interval: 500 })
  s.post('Profiler.start')
  s.post('HeapProfiler.enable')
  s.post('HeapProfiler.startSampling', { samplingInterval: 65536 })
  process.on('exit', () => {
    s.post('Profiler.stop', (err, r) => {
      if (!err) writeFileSync(`${dir}/cpu-${process.pid}.cpuprofile`, JSON.stringify(r.profile))
    })
    s.post('HeapProfiler.stopSampling', (err, r) => {
      if (!err) writeFileSync(`${dir}/heap-${process.pid}.heapprofile`, JSON.stringify(r.profile))
    })
  })
}

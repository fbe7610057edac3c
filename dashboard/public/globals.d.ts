// The two scripts index.html loads before the modules: the Socket.IO client and uPlot.
import type { io as ioClient } from 'socket.io-client'
import type uPlotCtor from 'uplot'

declare global {
  interface Window {
    io: typeof ioClient
    uPlot: typeof uPlotCtor
  }
}
export {}

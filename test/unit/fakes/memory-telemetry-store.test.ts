import { describeTelemetryStore } from '../../contracts/telemetry-store.contract.js'
import { createMemoryTelemetryStore } from '../../fakes/memory-telemetry-store.js'

describeTelemetryStore('memory fake', async () => createMemoryTelemetryStore())

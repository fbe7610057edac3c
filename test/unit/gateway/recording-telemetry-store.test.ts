import { describeTelemetryStore } from '../../contracts/telemetry-store.contract.js'
import { createRecordingTelemetryStore } from '../../fakes/recording-telemetry-store.js'

// The drain tests rely on this fake; it must behave as every TelemetryStore does.
describeTelemetryStore('recording fake', async () => createRecordingTelemetryStore())

import { afterAll, beforeAll } from 'vitest'
import { describeStateRepositories } from '../../contracts/state/index.js'
import { freshPostgres } from '../../contracts/state/fresh-store.js'
import { startPostgres, type Postgres } from '../../helpers/postgres.js'

let server: Postgres
beforeAll(async () => {
  server = await startPostgres()
})
afterAll(async () => {
  await server.stop()
})

describeStateRepositories(
  'postgres',
  freshPostgres(() => server.url),
)

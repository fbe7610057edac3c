import { describeStateRepositories } from '../../contracts/state/index.js'
import { freshSqlite } from '../../contracts/state/fresh-store.js'

describeStateRepositories('sqlite', freshSqlite)

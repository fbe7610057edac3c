import type { FastifyPluginAsync } from 'fastify'
import { readFile } from 'node:fs/promises'
import { notFound } from '../core/errors.js'

/**
 * GET /api/town/outline: the town and its districts as GeoJSON, read from disk
 * on each request (the screen asks once per load). No tiles can be fetched
 * offline, so this file is the whole base map.
 */
export const townOutlineRoute: FastifyPluginAsync<{ file: string }> = async (app, { file }) => {
  app.get(
    '/api/town/outline',
    { schema: { tags: ['dashboard'], summary: 'Town outline as GeoJSON' } },
    async (_req, reply) => {
      let text: string
      try {
        text = await readFile(file, 'utf8')
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notFound('The town outline')
        throw err
      }
      return reply.type('application/geo+json; charset=utf-8').send(text)
    },
  )
}

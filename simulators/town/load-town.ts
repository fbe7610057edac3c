import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { badRequest } from '../../core/errors.js'
import { TownSchema, type Town } from './town-schema.js'

const TOWN_FILE = new URL('./town.json', import.meta.url)
const OUTLINE_FILE = new URL('./outline.geojson', import.meta.url)

/** Reads and checks a town file; the sample town when no path is given. */
export function loadTown(file: string | URL = TOWN_FILE): Town {
  const parsed = TownSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
  if (!parsed.success) throw badRequest(`The town file ${String(file)} is not valid: ${z.prettifyError(parsed.error)}`)
  return parsed.data
}

const Ring = z.array(z.tuple([z.number(), z.number()])).min(4)
export const OutlineSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      properties: z.object({ id: z.string(), name: z.string(), role: z.enum(['town', 'district']) }),
      geometry: z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1) }),
    }),
  ),
})
export type Outline = z.infer<typeof OutlineSchema>

export function loadOutline(file: string | URL = OUTLINE_FILE): Outline {
  return OutlineSchema.parse(JSON.parse(readFileSync(file, 'utf8')))
}

/** Ray casting on the outer ring; GeoJSON positions are [lon, lat] (RFC 7946 §3.1.1). */
export function insidePolygon(lat: number, lon: number, ring: readonly (readonly [number, number])[]): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as readonly [number, number]
    const [xj, yj] = ring[j] as readonly [number, number]
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

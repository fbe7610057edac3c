import type { FastifyError, FastifyInstance } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import type { ErrorBody } from '../../core/contracts/http.js'
import { ErrorCode, isAppError } from '../../core/errors.js'

/**
 * Every error answers with the contract body `{error, message}` (contract §3).
 * Fastify's own body has another shape, so both handlers are replaced.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const send = (status: number, body: ErrorBody) => reply.status(status).send(body)

    if (isAppError(err)) {
      if (err.statusCode >= 500) request.log.error({ err }, err.message)
      return send(err.statusCode, { error: err.code, message: err.message })
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'request'
      const issues = err.validation.map((v) => `${where}${v.instancePath || ''}: ${v.message}`).join('; ')
      return send(400, { error: ErrorCode.BadRequest, message: `The ${where} is not valid: ${issues}.` })
    }
    const status = err.statusCode ?? 500
    if (status < 500) {
      // Fastify's own refusals (bad JSON, body too large, wrong content type) keep their code.
      return send(status, { error: err.code ?? ErrorCode.BadRequest, message: `${err.message}.`.replace(/\.\.$/, '.') })
    }
    request.log.error({ err }, 'request failed')
    return send(500, {
      error: ErrorCode.Internal,
      message:
        'The platform failed to answer this request; the error is in its log. Try again, and report it if it persists.',
    })
  })

  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      error: ErrorCode.NotFound,
      message: `No route ${request.method} ${request.url.split('?')[0]}. See /docs for the API.`,
    }
    return reply.status(404).send(body)
  })
}

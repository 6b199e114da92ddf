import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { Role } from '@cruciate/contracts';
import type { Request } from 'express';
import { CurrentPrincipal } from '../../auth/current-principal.decorator.js';
import type { Principal } from '../../auth/principal.js';
import { Roles } from '../../auth/roles.decorator.js';
import { MultipartError, readMultipart } from '../dicomweb/multipart.js';
import { ModelVersionError } from './model-version.errors.js';
import type { ModelVersion } from './model-version.model.js';
import { ModelVersionService } from './model-version.service.js';

const MAX_MANIFEST_BYTES = 1024 * 1024;

/** The boundary of a `multipart/form-data` Content-Type. */
function formDataBoundary(contentType: string | undefined): string {
  const [media, ...params] = (contentType ?? '').split(';').map((s) => s.trim());
  if (media?.toLowerCase() !== 'multipart/form-data') {
    throw new ModelVersionError('MODEL_REJECTED', 'Content-Type must be multipart/form-data with the parts "manifest" and "model"');
  }
  const boundary = params
    .find((p) => p.toLowerCase().startsWith('boundary='))
    ?.slice('boundary='.length)
    .replace(/^"(.*)"$/, '$1');
  if (!boundary || boundary.length > 200) throw new ModelVersionError('MODEL_REJECTED', 'multipart/form-data needs a boundary parameter');
  return boundary;
}

function fieldName(disposition: string | undefined): string | null {
  return /\bname="([^"]*)"/i.exec(disposition ?? '')?.[1] ?? null;
}

/**
 * Model registration (platform admins): `POST /api/model-versions` with multipart/form-data parts `manifest`
 * (manifest.json) and `model` (the .onnx). Answers 201 with the registered version, or 400 / 409 / 413 naming
 * every reason it was refused.
 */
@Controller('api/model-versions')
export class ModelVersionController {
  constructor(private readonly service: ModelVersionService) {}

  @Post()
  @HttpCode(201)
  @Roles(Role.PLATFORM_ADMIN)
  async register(@CurrentPrincipal() p: Principal, @Req() req: Request): Promise<ModelVersion> {
    const boundary = formDataBoundary(req.headers['content-type']);
    let manifestText: string | null = null;
    let model: Buffer | null = null;
    try {
      const limit = this.service.maxModelBytes;
      for await (const part of readMultipart(req, boundary, { maxPartBytes: limit, maxTotalBytes: limit + MAX_MANIFEST_BYTES + 64 * 1024 })) {
        const name = fieldName(part.headers['content-disposition']);
        if ('tooLarge' in part) {
          if (name === 'model') throw new ModelVersionError('MODEL_TOO_LARGE', `the model file is larger than ${limit} bytes`, 'model');
          throw new ModelVersionError('MODEL_REJECTED', `part "${name ?? ''}" is too large`);
        }
        if (name === 'manifest') {
          if (part.body.length > MAX_MANIFEST_BYTES) throw new ModelVersionError('MODEL_REJECTED', 'the manifest is larger than 1 MiB', 'manifest');
          manifestText = part.body.toString('utf8');
        } else if (name === 'model') {
          model = part.body;
        } else {
          throw new ModelVersionError('MODEL_REJECTED', `unexpected part "${name ?? ''}": send "manifest" and "model"`);
        }
      }
    } catch (err) {
      if (err instanceof MultipartError) {
        throw new ModelVersionError(err.status === 413 ? 'MODEL_TOO_LARGE' : 'MODEL_REJECTED', `model refused: ${err.message}`);
      }
      throw err;
    }
    if (manifestText === null) throw new ModelVersionError('MODEL_REJECTED', 'model refused: the "manifest" part is missing', 'manifest');
    if (model === null) throw new ModelVersionError('MODEL_REJECTED', 'model refused: the "model" part is missing', 'model');
    let manifest: unknown;
    try {
      manifest = JSON.parse(manifestText);
    } catch (err) {
      throw new ModelVersionError('MODEL_REJECTED', `model refused: the manifest is not JSON (${(err as Error).message})`, 'manifest');
    }
    return this.service.register(p, manifest, model);
  }
}

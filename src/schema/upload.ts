import type { FileUpload } from 'graphql-upload/processRequest.mjs';
import { DomainError, ErrorCode } from '../services/domain-error';

export { default as GraphQLUpload } from 'graphql-upload/GraphQLUpload.mjs';
export type { FileUpload };

/**
 * Reads one multipart upload into memory, refusing it as soon as it passes `maxBytes` so a huge
 * upload costs at most that much memory.
 */
export async function readUpload(
  upload: Promise<FileUpload> | FileUpload,
  maxBytes: number,
  index = 0,
): Promise<Buffer> {
  const file = await upload;
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = file.createReadStream();
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > maxBytes) {
        stream.destroy();
        throw tooLarge(maxBytes, index);
      }
      chunks.push(buf);
    }
  } catch (error) {
    if (error instanceof DomainError) {
      throw error;
    }
    // graphql-upload aborts the stream itself past its own maxFileSize.
    if ((error as { status?: number }).status === 413) {
      throw tooLarge(maxBytes, index);
    }
    throw new DomainError(ErrorCode.BAD_USER_INPUT, 'The upload could not be read', { photoIndex: index });
  }
  if (size === 0) {
    throw new DomainError(ErrorCode.INVALID_IMAGE, 'The upload is empty', { photoIndex: index });
  }
  return Buffer.concat(chunks);
}

const tooLarge = (maxBytes: number, index: number) =>
  new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, `The photo is larger than ${maxBytes} bytes`, {
    photoIndex: index,
    maxBytes,
  });

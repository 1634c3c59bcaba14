import type { IngestSource } from '../media/media.service.js';
import { cleanMimeType, cleanOriginalName } from '../media/original-name.sanitizer.js';

/** Upload-Metadata key under which the server records who created an upload; clients cannot set it. */
export const OWNER_METADATA_KEY = 'reelforge-owner';

type TusMetadata = Record<string, string | null> | undefined;

/**
 * The metadata kept with a new upload: the client's `filename` and `filetype` (the keys tus-js-client
 * and Uppy send; `name`/`type` as a fallback) and the creator's owner. Anything else the client sent
 * is dropped, so it can neither grow the stored state nor claim another owner.
 */
export function uploadMetadataFor(client: TusMetadata, owner: string): Record<string, string> {
  const filename = client?.filename ?? client?.name;
  const filetype = client?.filetype ?? client?.type;
  return {
    ...(filename ? { filename } : {}),
    ...(filetype ? { filetype } : {}),
    [OWNER_METADATA_KEY]: owner,
  };
}

/** The owner recorded at creation; undefined for an upload this server did not create. */
export function uploadOwner(metadata: TusMetadata): string | undefined {
  return metadata?.[OWNER_METADATA_KEY] ?? undefined;
}

/** Set once the upload became a file, so a repeated final request answers with the same file. */
const FILE_ID_METADATA_KEY = 'reelforge-file-id';

export function withIngestedFileId(metadata: TusMetadata, fileId: string): Record<string, string | null> {
  return { ...metadata, [FILE_ID_METADATA_KEY]: fileId };
}

export function ingestedFileId(metadata: TusMetadata): string | undefined {
  return metadata?.[FILE_ID_METADATA_KEY] ?? undefined;
}

/** The client's name and type, cleaned exactly as the multipart route cleans them. */
export function describedFile(metadata: TusMetadata): Pick<IngestSource, 'originalName' | 'mime'> {
  return { originalName: cleanOriginalName(metadata?.filename ?? undefined), mime: cleanMimeType(metadata?.filetype ?? undefined) };
}

import { Arg, Args, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { requireAdmin } from '../auth/access';
import type { ImportStatus, OneRosterImport } from '../entities/oneroster-import.entity';
import type { ImportReport } from '../oneroster';
import { Topic, type OneRosterImportPayload } from '../pubsub';
import type { Context } from '../schema/context';
import {
  OneRosterImportPage,
  OneRosterImportProgress,
  OneRosterImportType,
  type OneRosterReport,
} from '../schema/types/oneroster.type';
import { PageArgs } from '../schema/types/page.type';
import { GraphQLUpload, type FileUpload } from '../schema/upload';
import type { OneRosterImportService } from '../services/oneroster-import.service';

const toReport = (r: object | null): OneRosterReport | null => {
  if (!r) {
    return null;
  }
  const report = r as ImportReport;
  return { ...report, summary: { ...report.summary }, refused: report.summary.refused };
};

export const toImportType = (i: OneRosterImport): OneRosterImportType => ({
  id: i.id,
  status: i.status,
  progress: i.progress,
  createdBy: i.createdBy,
  createdAt: i.createdAt,
  finishedAt: i.finishedAt,
  error: i.error,
  strict: i.options.strict,
  consentColumn: i.options.consentColumn,
  preview: toReport(i.preview),
  result: toReport(i.result),
});

@Resolver(() => OneRosterImportType)
export class OneRosterResolver {
  constructor(private readonly imports: OneRosterImportService) {}

  @Mutation(() => OneRosterImportType, {
    description:
      'Uploads a OneRoster 1.1/1.2 bulk or delta set (one .zip, or its CSV files) and dry-runs it: the preview lists what each row would do. Nothing is written until runOneRosterImport. Admins only.',
  })
  async uploadOneRoster(
    @Arg('files', () => [GraphQLUpload]) files: Promise<FileUpload>[],
    @Arg('strict', { defaultValue: false, description: 'Write nothing if any row is refused.' })
    strict: boolean,
    @Arg('consentColumn', {
      defaultValue: false,
      description: 'The school attests biometric consent in users.csv metadata.rollcall.biometricConsent.',
    })
    consentColumn: boolean,
    @Ctx() ctx: Context,
  ): Promise<OneRosterImportType> {
    requireAdmin(ctx.viewer);
    const uploads = await Promise.all(files);
    const record = await this.imports.upload(
      ctx.viewer,
      uploads.map((u) => ({ filename: u.filename, stream: u.createReadStream() })),
      { strict, consentColumn },
    );
    return toImportType(record);
  }

  @Mutation(() => OneRosterImportType, {
    description:
      'Runs a previewed import in the background, in one transaction; follow oneRosterImportProgress.',
  })
  async runOneRosterImport(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: Context,
  ): Promise<OneRosterImportType> {
    return toImportType(await this.imports.run(ctx.viewer, id));
  }

  @Query(() => OneRosterImportType)
  async oneRosterImport(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<OneRosterImportType> {
    return toImportType(await this.imports.get(ctx.viewer, id));
  }

  @Query(() => OneRosterImportPage, { description: 'Imports of the institution, newest first (admins).' })
  async oneRosterImports(@Args() page: PageArgs, @Ctx() ctx: Context): Promise<OneRosterImportPage> {
    const result = await this.imports.list(ctx.viewer, page);
    return { ...result, items: result.items.map(toImportType) };
  }

  @Subscription(() => OneRosterImportProgress, {
    description: 'Progress of one import run, until SUCCEEDED or FAILED (admins).',
    topics: Topic.OneRosterImport,
    topicId: ({ context, args }: { context: Context; args: { id: string } }) => {
      requireAdmin(context.viewer);
      return args.id;
    },
    filter: ({ payload, context }: { payload: OneRosterImportPayload; context: Context }) =>
      payload.institutionId === requireAdmin(context.viewer).institutionId,
  })
  oneRosterImportProgress(
    @Root() payload: OneRosterImportPayload,
    @Arg('id', () => ID) _id: string,
  ): OneRosterImportProgress {
    return {
      id: payload.id,
      status: payload.status as ImportStatus,
      progress: payload.progress,
      error: payload.error,
    };
  }
}

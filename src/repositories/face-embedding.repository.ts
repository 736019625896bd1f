import { In, type DataSource } from 'typeorm';
import { FaceSample } from '../entities/face-sample.entity';

export interface StudentEmbeddings {
  studentId: string;
  model: string;
  descriptors: number[][];
}

/** Reads the embeddings that make up students' recognition profiles. */
export class FaceEmbeddingRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One query for any number of students; results in the order of `studentIds`. */
  async byStudents(studentIds: readonly string[], model: string): Promise<StudentEmbeddings[]> {
    const rows = await this.dataSource.getRepository(FaceSample).find({
      select: { studentId: true, embedding: true, model: true },
      where: { studentId: In([...studentIds]), model },
      order: { createdAt: 'ASC' },
    });
    const byStudent = new Map<string, number[][]>();
    for (const row of rows) {
      const list = byStudent.get(row.studentId) ?? [];
      list.push(row.embedding);
      byStudent.set(row.studentId, list);
    }
    return studentIds.map((studentId) => ({ studentId, model, descriptors: byStudent.get(studentId) ?? [] }));
  }
}

import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A OneRoster academicSession (term, semester, school year...): gives courses their term dates. */
@Entity('academic_term')
export class AcademicTerm {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'institution_id', type: 'uuid' })
  institutionId: string;

  @Column({ name: 'sourced_id', type: 'text' })
  sourcedId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ name: 'start_date', type: 'date' })
  startDate: string;

  @Column({ name: 'end_date', type: 'date' })
  endDate: string;
}

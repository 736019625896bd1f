import { ObjectType } from 'type-graphql';
import { Alert } from '../../entities/alert.entity';
import { Paginated } from './page.type';

@ObjectType()
export class AlertPage extends Paginated(Alert) {}

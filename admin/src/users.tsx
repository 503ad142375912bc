// Users (admins only): the list, a role changed, an account deleted.
import {
  Datagrid,
  DeleteButton,
  Edit,
  EditButton,
  List,
  NumberField,
  Pagination,
  SelectInput,
  SimpleForm,
  TextField,
  TextInput,
  required,
} from 'react-admin';
import { PER_PAGE_CHOICES } from './movies';

const ROLES = [
  { id: 'user', name: 'user' },
  { id: 'admin', name: 'admin' },
];

export const UserList = () => (
  <List perPage={25} pagination={<Pagination rowsPerPageOptions={PER_PAGE_CHOICES} />}>
    <Datagrid rowClick="edit" bulkActionButtons={false}>
      <NumberField source="id" label="Id" sortable={false} />
      <TextField source="username" label="Username" sortable={false} />
      <TextField source="role" label="Role" sortable={false} />
      <TextField source="email" label="Email" sortable={false} emptyText="—" />
      <EditButton />
      <DeleteButton mutationMode="pessimistic" />
    </Datagrid>
  </List>
);

export const UserEdit = () => (
  <Edit mutationMode="pessimistic">
    <SimpleForm>
      <TextInput source="username" label="Username" disabled />
      <SelectInput source="role" label="Role" choices={ROLES} validate={required()} />
    </SimpleForm>
  </Edit>
);

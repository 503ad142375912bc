// Directors and genres: an id and a name, the same pages for both.
import {
  Create,
  Datagrid,
  Edit,
  EditButton,
  List,
  NumberField,
  Pagination,
  Show,
  SimpleForm,
  SimpleShowLayout,
  TextField,
  TextInput,
  required,
} from 'react-admin';
import { PER_PAGE_CHOICES } from './movies';

function NamedList() {
  return (
    <List perPage={25} pagination={<Pagination rowsPerPageOptions={PER_PAGE_CHOICES} />}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        {/* These lists come in id order only: the API sorts movies alone. */}
        <NumberField source="id" label="Id" sortable={false} />
        <TextField source="name" label="Name" sortable={false} />
        <EditButton />
      </Datagrid>
    </List>
  );
}

const NamedShow = () => (
  <Show>
    <SimpleShowLayout>
      <NumberField source="id" label="Id" />
      <TextField source="name" label="Name" />
    </SimpleShowLayout>
  </Show>
);

const NamedForm = ({ noun }: { noun: string }) => (
  <SimpleForm>
    <TextInput source="name" label={`${noun} name`} validate={required()} fullWidth />
  </SimpleForm>
);

export function namedResource(noun: string) {
  return {
    list: NamedList,
    show: NamedShow,
    edit: () => (
      <Edit mutationMode="pessimistic">
        <NamedForm noun={noun} />
      </Edit>
    ),
    create: () => (
      <Create redirect="list">
        <NamedForm noun={noun} />
      </Create>
    ),
  };
}

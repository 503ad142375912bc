import {
  Create,
  Datagrid,
  EditButton,
  Edit,
  List,
  NumberField,
  NumberInput,
  Pagination,
  ReferenceInput,
  SelectInput,
  Show,
  SimpleForm,
  SimpleShowLayout,
  TextField,
  TextInput,
  UrlField,
  required,
} from 'react-admin';
import { CHOICES } from './dataProvider';

export const PER_PAGE_CHOICES = [12, 25, 50, 100];
const YEAR = { useGrouping: false };

// Genres and directors are chosen from the API's own lists (up to 1,000 of each, by id).
const GenreInput = (props: { alwaysOn?: boolean }) => (
  <ReferenceInput source="genre_id" reference="genres" perPage={CHOICES} {...props}>
    <SelectInput optionText="name" label="Genre" />
  </ReferenceInput>
);
const DirectorInput = (props: { alwaysOn?: boolean }) => (
  <ReferenceInput source="director_id" reference="directors" perPage={CHOICES} {...props}>
    <SelectInput optionText="name" label="Director" />
  </ReferenceInput>
);

const filters = [
  <TextInput key="search" source="search" label="Search" alwaysOn resettable />,
  <GenreInput key="genre" alwaysOn />,
  <DirectorInput key="director" />,
  <NumberInput key="year" source="year" label="Year" />,
];

export function MovieList() {
  return (
    <List
      filters={filters}
      perPage={12}
      sort={{ field: 'id', order: 'ASC' }}
      pagination={<Pagination rowsPerPageOptions={PER_PAGE_CHOICES} />}
    >
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <NumberField source="id" label="Id" />
        <TextField source="title" label="Title" />
        <NumberField source="year" label="Year" options={YEAR} />
        <NumberField source="rating" label="Rating" />
        <TextField source="genre.name" label="Genre" sortable={false} />
        <TextField source="director.name" label="Director" sortable={false} />
        <EditButton />
      </Datagrid>
    </List>
  );
}

export const MovieShow = () => (
  <Show>
    <SimpleShowLayout>
      <NumberField source="id" label="Id" />
      <TextField source="title" label="Title" />
      <TextField source="description" label="Description" />
      <UrlField source="trailer" label="Trailer" />
      <NumberField source="year" label="Year" options={YEAR} />
      <NumberField source="rating" label="Rating" />
      <TextField source="genre.name" label="Genre" emptyText="—" />
      <TextField source="director.name" label="Director" emptyText="—" />
    </SimpleShowLayout>
  </Show>
);

// No checks here that the API makes: its errors are shown on the fields they name.
const MovieForm = () => (
  <SimpleForm>
    <TextInput source="title" label="Title" validate={required()} fullWidth />
    <TextInput source="description" label="Description" multiline fullWidth />
    <TextInput source="trailer" label="Trailer URL" fullWidth />
    <NumberInput source="year" label="Year" />
    <NumberInput source="rating" label="Rating" step={0.1} />
    <GenreInput />
    <DirectorInput />
  </SimpleForm>
);

export const MovieEdit = () => (
  <Edit mutationMode="pessimistic">
    <MovieForm />
  </Edit>
);

export const MovieCreate = () => (
  <Create redirect="show">
    <MovieForm />
  </Create>
);

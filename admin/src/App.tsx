import createCache from '@emotion/cache';
import { CacheProvider } from '@emotion/react';
import { Admin, defaultTheme, Resource, type RaThemeOptions } from 'react-admin';
import { authProvider } from './authProvider';
import { dataProvider } from './dataProvider';
import { MovieCreate, MovieEdit, MovieList, MovieShow } from './movies';
import { namedResource } from './named';
import { UserEdit, UserList } from './users';

// The page's Content-Security-Policy allows style elements with this page's nonce only, and
// emotion (MUI's CSS-in-JS) writes one element per style: it must carry the nonce.
const nonce =
  document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce || undefined;
const styles = createCache({ key: 'css', nonce });

// A visible ring on whatever has keyboard focus, whichever component it is.
// Blue text on the light grey of filled inputs, and white on the app bar, need darker blues than
// the defaults for 4.5:1 contrast.
const theme: RaThemeOptions = {
  ...defaultTheme,
  palette: {
    ...defaultTheme.palette,
    primary: { main: '#1565c0' },
    secondary: { main: '#0d47a1' },
    error: { main: '#b71c1c' },
  },
  components: {
    ...defaultTheme.components,
    MuiCssBaseline: {
      styleOverrides: {
        // MUI's buttons reset outline in their own styles, which come later.
        '*:focus-visible': { outline: '3px solid #1565c0 !important', outlineOffset: '2px' },
        // On the dark blue app bar, a white ring.
        '.MuiAppBar-root *:focus-visible': { outlineColor: '#ffffff !important' },
      },
    },
  },
};

const directors = namedResource('Director');
const genres = namedResource('Genre');

export function App() {
  return (
    <CacheProvider value={styles}>
      <Admin
        title="Movie catalog"
        dataProvider={dataProvider}
        authProvider={authProvider}
        theme={theme}
        requireAuth
        disableTelemetry
      >
        <Resource
          name="movies"
          list={MovieList}
          show={MovieShow}
          edit={MovieEdit}
          create={MovieCreate}
          recordRepresentation="title"
        />
        <Resource name="directors" {...directors} recordRepresentation="name" />
        <Resource name="genres" {...genres} recordRepresentation="name" />
        <Resource name="users" list={UserList} edit={UserEdit} recordRepresentation="username" />
      </Admin>
    </CacheProvider>
  );
}

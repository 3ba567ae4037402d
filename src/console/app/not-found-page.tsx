import { Link } from 'react-router';
import { paths } from './paths.ts';

export function NotFoundPage() {
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. Go to the <Link to={paths.clientApplications()}>client applications</Link>.
      </p>
    </div>
  );
}

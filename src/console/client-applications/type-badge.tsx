export function TypeBadge({ isConfidential }: { isConfidential: boolean }) {
  return (
    <span className={`badge ${isConfidential ? 'badge-confidential' : 'badge-public'}`}>
      {isConfidential ? 'Confidential' : 'Public'}
    </span>
  );
}

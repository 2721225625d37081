import { useTranslation } from 'react-i18next';
import { usePeople, usePerson } from '../people';
import { useStation } from '../store';

interface Props {
  guid: string | null;
  /** A name CM's data already carried (training's simulator), used when the directory has none. */
  knownName?: string | null;
  /** Show the GUID too (the confirmation and the card panel: the operator can compare it). */
  withGuid?: boolean;
}

/** "Dana Okafor (CONTOSO\dana)" beside the GUID; the GUID alone, said so, when no name is known. */
export function PersonName({ guid, knownName = null, withGuid = true }: Props) {
  const { t } = useTranslation();
  const client = useStation((s) => s.client);
  const person = usePerson(client, guid);
  const kind = usePeople((s) => s.kind);
  if (!guid) return <>{t('request.unknownUser')}</>;
  const name = person?.displayName || knownName;
  return (
    <span className="person">
      {name ? <span className="person-name">{name}</span> : null}
      {person?.account ? <span className="person-account"> ({person.account})</span> : null}
      {(withGuid || !name) && (
        <>
          {name ? ' ' : null}
          <code className="person-guid">{guid}</code>
        </>
      )}
      {!name && kind === 'none' && <span className="person-note"> {t('people.unavailableShort')}</span>}
    </span>
  );
}

/** One plain-text label for a person (aria-labels): name and account, else the GUID. */
export function usePersonLabel(guid: string | null, knownName: string | null = null): string {
  const { t } = useTranslation();
  const person = usePeople((s) => (guid ? s.users[guid] : undefined));
  if (!guid) return t('request.unknownUser');
  if (person) return person.account ? `${person.displayName} (${person.account})` : person.displayName;
  return knownName ?? guid;
}

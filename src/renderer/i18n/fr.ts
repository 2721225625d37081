import type { Messages } from './en';

export const fr: Messages = {
  app: {
    title: 'Poste d’enrôlement',
    training: 'FORMATION',
    trainingNotice: 'Mode formation : rien ici n’atteint un vrai serveur CM.',
    connecting: 'Connexion au poste…',
    failed: 'Le poste est injoignable : {{reason}}',
  },
  connection: {
    online: 'CM en ligne',
    offline: 'CM hors ligne depuis {{since}}',
    unconfigured: 'CM non configuré',
  },
  readers: {
    heading: 'Lecteurs de cartes',
    serviceDown: 'Service carte à puce indisponible. Le poste se reconnecte seul à son retour.',
    serviceStarting: 'Recherche des lecteurs…',
    none: 'Aucun lecteur connecté. Branchez-en un.',
    empty: 'Pas de carte',
    insertCard: 'Insérez une carte',
    atr: 'ATR',
    copy: 'Copier',
    copied: 'Copié',
    cardPresent: 'Carte présente',
  },
  language: { label: 'Langue' },
};

/**
 * Every label a report shows, per language. The first eighteen are the
 * Python library's language files (its key in each comment), copied verbatim; the
 * rest are this port's additions (timeline, cancelled and pending tasks, durations).
 * Task names, function names, messages and tracebacks are data and are
 * never translated.
 */
export interface Translations {
  /** `lang_function_label` */
  readonly functionLabel: string;
  /** `lang_exception_label` */
  readonly exceptionLabel: string;
  /** `lang_downstream_title` */
  readonly downstreamTitle: string;
  /** `lang_traceback_title` */
  readonly tracebackTitle: string;
  /** `lang_traced_vars_title` */
  readonly tracedVarsTitle: string;
  /** `lang_traced_vars_blurb`; `{location}` is replaced by the variables' `file:line`. */
  readonly tracedVarsBlurb: string;
  /** `lang_report_title_prefix`: the document's `<title>`. */
  readonly reportTitlePrefix: string;
  /** `lang_report_header` */
  readonly reportHeader: string;
  /** `lang_report_header_errors_only` */
  readonly reportHeaderErrorsOnly: string;
  /** `lang_report_email_subject` (the Python library's files make it equal to the header) */
  readonly reportEmailSubject: string;
  /** `lang_report_email_subject_errors` */
  readonly reportEmailSubjectErrors: string;
  /** `lang_report_summary_title` */
  readonly summaryTitle: string;
  /** `lang_report_success_label` */
  readonly successLabel: string;
  /** `lang_report_error_label` */
  readonly errorLabel: string;
  /** `lang_report_skipped_label` */
  readonly skippedLabel: string;
  /** `lang_status_success` */
  readonly statusSuccess: string;
  /** `lang_status_errored` */
  readonly statusErrored: string;
  /** `lang_status_skipped` */
  readonly statusSkipped: string;
  /** Badge of a task that never started because the run was aborted. */
  readonly statusPending: string;
  /** Summary label counting pending tasks. */
  readonly pendingLabel: string;
  /** Badge of a task stopped by aborting the run (running then, or not started yet). */
  readonly statusCancelled: string;
  /** Summary label counting cancelled tasks. */
  readonly cancelledLabel: string;
  /** Card field: time from being handed to its executor to its first attempt's start (a free thread, start-up). */
  readonly waitedLabel: string;
  /** Card field: why a failure with retries left was not retried. */
  readonly notRetriedLabel: string;
  readonly processLabel: string;
  readonly startedLabel: string;
  readonly durationLabel: string;
  readonly attemptsLabel: string;
  readonly timelineTitle: string;
  readonly tasksTitle: string;
  /** `{task}` is replaced by the failed task upstream. */
  readonly skippedBecause: string;
  readonly noTasks: string;
  /**
   * Under a list cut at `maxTasks` (or the size budget): `{count}` tasks not
   * listed, `{errored}` of them errored.
   */
  readonly tasksNotShown: string;
  /** `{rule}` is the task's trigger rule, `{tasks}` the dependencies that refuted it. */
  readonly skippedByRule: string;
  /** A mapped task's items row. */
  readonly itemsLabel: string;
  /** `{items}` items mapped, `{failed}` of them failed. */
  readonly itemsSummary: string;
  /** `{indices}`: the failed items' indices. */
  readonly failedIndices: string;
  readonly poolLabel: string;
  /** Per attempt of a `retryOnOom` task: `{limit}` and `{used}` in MB. */
  readonly heapLabel: string;
  readonly heapAttempt: string;
  /** The limit of an attempt on the pool's own heap. */
  readonly poolHeap: string;
  /** The marker beside the badge of a task whose result was reused (it did not run). */
  readonly reusedLabel: string;
  /** `{run}` is replaced by the id of the run whose report held the result. */
  readonly reusedFromReport: string;
  /** `{run}` is replaced by the id of the run that stored the result in the cache. */
  readonly reusedFromCache: string;
}

/** The language codes, sorted as the Python library lists them in its error message. */
export const LANGUAGE_CODES = ['de', 'en', 'es', 'fr', 'it', 'pt'] as const;

/** One of {@link LANGUAGE_CODES}; also the document's `lang` attribute. */
export type LanguageCode = (typeof LANGUAGE_CODES)[number];

export const LANGUAGES: Readonly<Record<LanguageCode, Translations>> = Object.freeze({
  en: Object.freeze({
    functionLabel: 'Function',
    exceptionLabel: 'Exception',
    downstreamTitle: 'Downstream Impact',
    tracebackTitle: 'Traceback',
    tracedVarsTitle: 'Traced Variables',
    tracedVarsBlurb: 'The following local variables had these values at {location}:',
    reportTitlePrefix: 'Process Report',
    reportHeader: 'Process Execution Report',
    reportHeaderErrorsOnly: 'Failed Tasks Report',
    reportEmailSubject: 'Process Execution Report',
    reportEmailSubjectErrors: 'Failed Tasks in Process',
    summaryTitle: 'Summary',
    successLabel: 'Successes',
    errorLabel: 'Errors',
    skippedLabel: 'Skipped',
    statusSuccess: 'Success',
    statusErrored: 'Error',
    statusSkipped: 'Skipped',
    statusPending: 'Pending',
    pendingLabel: 'Pending',
    statusCancelled: 'Cancelled',
    cancelledLabel: 'Cancelled',
    waitedLabel: 'Waited',
    notRetriedLabel: 'Not retried',
    processLabel: 'Process',
    startedLabel: 'Started',
    durationLabel: 'Duration',
    attemptsLabel: 'Attempts',
    timelineTitle: 'Timeline',
    tasksTitle: 'Tasks',
    skippedBecause: 'Not run because {task} failed',
    noTasks: 'No tasks to show.',
    tasksNotShown:
      '… and {count} more tasks not listed here ({errored} of them errored). The JSON report holds every task.',
    skippedByRule: 'Not run: rule {rule} not met by {tasks}',
    itemsLabel: 'Items',
    itemsSummary: '{items} items, {failed} failed',
    failedIndices: 'failed indices: {indices}',
    poolLabel: 'Pool',
    heapLabel: 'Heap',
    heapAttempt: 'attempt {attempt}: limit {limit}, used {used}',
    poolHeap: "the pool's",
    reusedLabel: 'Reused',
    reusedFromReport: 'Not run: its result was reused from the report of run {run}',
    reusedFromCache: 'Not run: its result was reused from the cache (stored by run {run})',
  }),
  es: Object.freeze({
    functionLabel: 'Función',
    exceptionLabel: 'Excepción',
    downstreamTitle: 'Impacto en tareas dependientes',
    tracebackTitle: 'Traza de error',
    tracedVarsTitle: 'Variables rastreadas',
    tracedVarsBlurb: 'Las siguientes variables locales tenían estos valores en {location}:',
    reportTitlePrefix: 'Informe del Proceso',
    reportHeader: 'Informe de Ejecución del Proceso',
    reportHeaderErrorsOnly: 'Informe de Tareas Fallidas',
    reportEmailSubject: 'Informe de Ejecución del Proceso',
    reportEmailSubjectErrors: 'Tareas Fallidas en el Proceso',
    summaryTitle: 'Resumen',
    successLabel: 'Éxitos',
    errorLabel: 'Errores',
    skippedLabel: 'Omitidas',
    statusSuccess: 'Éxito',
    statusErrored: 'Error',
    statusSkipped: 'Omitida',
    statusPending: 'Pendiente',
    pendingLabel: 'Pendientes',
    statusCancelled: 'Cancelada',
    cancelledLabel: 'Canceladas',
    waitedLabel: 'En espera',
    notRetriedLabel: 'Sin reintento',
    processLabel: 'Proceso',
    startedLabel: 'Inicio',
    durationLabel: 'Duración',
    attemptsLabel: 'Intentos',
    timelineTitle: 'Cronología',
    tasksTitle: 'Tareas',
    skippedBecause: 'No se ejecutó porque {task} falló',
    noTasks: 'No hay tareas que mostrar.',
    tasksNotShown:
      '… y {count} tareas más que no se muestran aquí ({errored} de ellas con error). El informe JSON contiene todas las tareas.',
    skippedByRule: 'No se ejecutó: la regla {rule} no se cumple por {tasks}',
    itemsLabel: 'Elementos',
    itemsSummary: '{items} elementos, {failed} fallidos',
    failedIndices: 'índices fallidos: {indices}',
    poolLabel: 'Grupo',
    heapLabel: 'Memoria',
    heapAttempt: 'intento {attempt}: límite {limit}, usado {used}',
    poolHeap: 'el del grupo',
    reusedLabel: 'Reutilizada',
    reusedFromReport: 'No se ejecutó: se reutilizó su resultado del informe de la ejecución {run}',
    reusedFromCache: 'No se ejecutó: se reutilizó su resultado de la caché (guardado por la ejecución {run})',
  }),
  pt: Object.freeze({
    functionLabel: 'Função',
    exceptionLabel: 'Exceção',
    downstreamTitle: 'Impacto nas tarefas dependentes',
    tracebackTitle: 'Rastreamento de erro',
    tracedVarsTitle: 'Variáveis rastreadas',
    tracedVarsBlurb: 'As seguintes variáveis locais tinham estes valores em {location}:',
    reportTitlePrefix: 'Relatório do Processo',
    reportHeader: 'Relatório de Execução do Processo',
    reportHeaderErrorsOnly: 'Relatório de Tarefas com Falha',
    reportEmailSubject: 'Relatório de Execução do Processo',
    reportEmailSubjectErrors: 'Tarefas com Falha no Processo',
    summaryTitle: 'Resumo',
    successLabel: 'Sucessos',
    errorLabel: 'Erros',
    skippedLabel: 'Ignoradas',
    statusSuccess: 'Sucesso',
    statusErrored: 'Erro',
    statusSkipped: 'Ignorada',
    statusPending: 'Pendente',
    pendingLabel: 'Pendentes',
    statusCancelled: 'Cancelada',
    cancelledLabel: 'Canceladas',
    waitedLabel: 'Em espera',
    notRetriedLabel: 'Sem nova tentativa',
    processLabel: 'Processo',
    startedLabel: 'Início',
    durationLabel: 'Duração',
    attemptsLabel: 'Tentativas',
    timelineTitle: 'Linha do tempo',
    tasksTitle: 'Tarefas',
    skippedBecause: 'Não executada porque {task} falhou',
    noTasks: 'Nenhuma tarefa para mostrar.',
    tasksNotShown:
      '… e mais {count} tarefas não listadas aqui ({errored} delas com erro). O relatório JSON contém todas as tarefas.',
    skippedByRule: 'Não executada: a regra {rule} não foi cumprida por {tasks}',
    itemsLabel: 'Itens',
    itemsSummary: '{items} itens, {failed} com falha',
    failedIndices: 'índices com falha: {indices}',
    poolLabel: 'Grupo',
    heapLabel: 'Memória',
    heapAttempt: 'tentativa {attempt}: limite {limit}, usado {used}',
    poolHeap: 'o do grupo',
    reusedLabel: 'Reutilizada',
    reusedFromReport: 'Não executada: o seu resultado foi reutilizado do relatório da execução {run}',
    reusedFromCache: 'Não executada: o seu resultado foi reutilizado da cache (guardado pela execução {run})',
  }),
  fr: Object.freeze({
    functionLabel: 'Fonction',
    exceptionLabel: 'Exception',
    downstreamTitle: 'Impact sur les tâches dépendantes',
    tracebackTitle: "Trace d'erreur",
    tracedVarsTitle: 'Variables suivies',
    tracedVarsBlurb: 'Les variables locales suivantes avaient ces valeurs à {location} :',
    reportTitlePrefix: 'Rapport de Processus',
    reportHeader: "Rapport d'Exécution du Processus",
    reportHeaderErrorsOnly: 'Rapport des Tâches Échouées',
    reportEmailSubject: "Rapport d'Exécution du Processus",
    reportEmailSubjectErrors: 'Tâches Échouées dans le Processus',
    summaryTitle: 'Résumé',
    successLabel: 'Succès',
    errorLabel: 'Erreurs',
    skippedLabel: 'Ignorées',
    statusSuccess: 'Succès',
    statusErrored: 'Erreur',
    statusSkipped: 'Ignorée',
    statusPending: 'En attente',
    pendingLabel: 'En attente',
    statusCancelled: 'Annulée',
    cancelledLabel: 'Annulées',
    waitedLabel: 'Attente',
    notRetriedLabel: 'Non relancée',
    processLabel: 'Processus',
    startedLabel: 'Début',
    durationLabel: 'Durée',
    attemptsLabel: 'Tentatives',
    timelineTitle: 'Chronologie',
    tasksTitle: 'Tâches',
    skippedBecause: 'Non exécutée car {task} a échoué',
    noTasks: 'Aucune tâche à afficher.',
    tasksNotShown:
      '… et {count} autres tâches non listées ici (dont {errored} en erreur). Le rapport JSON contient toutes les tâches.',
    skippedByRule: "Non exécutée : la règle {rule} n'est pas remplie par {tasks}",
    itemsLabel: 'Éléments',
    itemsSummary: '{items} éléments, {failed} en échec',
    failedIndices: 'indices en échec : {indices}',
    poolLabel: 'Groupe',
    heapLabel: 'Mémoire',
    heapAttempt: 'tentative {attempt} : limite {limit}, utilisé {used}',
    poolHeap: 'celle du groupe',
    reusedLabel: 'Réutilisée',
    reusedFromReport: 'Non exécutée : son résultat a été repris du rapport de l’exécution {run}',
    reusedFromCache: 'Non exécutée : son résultat a été repris du cache (enregistré par l’exécution {run})',
  }),
  de: Object.freeze({
    functionLabel: 'Funktion',
    exceptionLabel: 'Ausnahme',
    downstreamTitle: 'Auswirkung auf nachgelagerte Aufgaben',
    tracebackTitle: 'Fehlerverlauf',
    tracedVarsTitle: 'Verfolgte Variablen',
    tracedVarsBlurb: 'Die folgenden lokalen Variablen hatten diese Werte in {location}:',
    reportTitlePrefix: 'Prozessbericht',
    reportHeader: 'Prozessausführungsbericht',
    reportHeaderErrorsOnly: 'Bericht fehlgeschlagener Aufgaben',
    reportEmailSubject: 'Prozessausführungsbericht',
    reportEmailSubjectErrors: 'Fehlgeschlagene Aufgaben im Prozess',
    summaryTitle: 'Zusammenfassung',
    successLabel: 'Erfolge',
    errorLabel: 'Fehler',
    skippedLabel: 'Übersprungen',
    statusSuccess: 'Erfolg',
    statusErrored: 'Fehler',
    statusSkipped: 'Übersprungen',
    statusPending: 'Ausstehend',
    pendingLabel: 'Ausstehend',
    statusCancelled: 'Abgebrochen',
    cancelledLabel: 'Abgebrochen',
    waitedLabel: 'Wartezeit',
    notRetriedLabel: 'Nicht wiederholt',
    processLabel: 'Prozess',
    startedLabel: 'Beginn',
    durationLabel: 'Dauer',
    attemptsLabel: 'Versuche',
    timelineTitle: 'Zeitverlauf',
    tasksTitle: 'Aufgaben',
    skippedBecause: 'Nicht ausgeführt, weil {task} fehlgeschlagen ist',
    noTasks: 'Keine Aufgaben anzuzeigen.',
    tasksNotShown:
      '… und {count} weitere Aufgaben, die hier nicht aufgeführt sind ({errored} davon fehlgeschlagen). Der JSON-Bericht enthält alle Aufgaben.',
    skippedByRule: 'Nicht ausgeführt: Regel {rule} nicht erfüllt durch {tasks}',
    itemsLabel: 'Elemente',
    itemsSummary: '{items} Elemente, {failed} fehlgeschlagen',
    failedIndices: 'fehlgeschlagene Indizes: {indices}',
    poolLabel: 'Pool',
    heapLabel: 'Speicher',
    heapAttempt: 'Versuch {attempt}: Limit {limit}, genutzt {used}',
    poolHeap: 'das des Pools',
    reusedLabel: 'Wiederverwendet',
    reusedFromReport: 'Nicht ausgeführt: Ergebnis aus dem Bericht von Lauf {run} übernommen',
    reusedFromCache: 'Nicht ausgeführt: Ergebnis aus dem Cache übernommen (gespeichert von Lauf {run})',
  }),
  it: Object.freeze({
    functionLabel: 'Funzione',
    exceptionLabel: 'Eccezione',
    downstreamTitle: 'Impatto sulle attività dipendenti',
    tracebackTitle: "Traccia dell'errore",
    tracedVarsTitle: 'Variabili tracciate',
    tracedVarsBlurb: 'Le seguenti variabili locali avevano questi valori in {location}:',
    reportTitlePrefix: 'Rapporto di Processo',
    reportHeader: 'Rapporto di Esecuzione del Processo',
    reportHeaderErrorsOnly: 'Rapporto Attività Fallite',
    reportEmailSubject: 'Rapporto di Esecuzione del Processo',
    reportEmailSubjectErrors: 'Attività Fallite nel Processo',
    summaryTitle: 'Riepilogo',
    successLabel: 'Successi',
    errorLabel: 'Errori',
    skippedLabel: 'Saltate',
    statusSuccess: 'Successo',
    statusErrored: 'Errore',
    statusSkipped: 'Saltata',
    statusPending: 'In sospeso',
    pendingLabel: 'In sospeso',
    statusCancelled: 'Annullata',
    cancelledLabel: 'Annullate',
    waitedLabel: 'In attesa',
    notRetriedLabel: 'Non ritentata',
    processLabel: 'Processo',
    startedLabel: 'Inizio',
    durationLabel: 'Durata',
    attemptsLabel: 'Tentativi',
    timelineTitle: 'Cronologia',
    tasksTitle: 'Attività',
    skippedBecause: 'Non eseguita perché {task} non è riuscita',
    noTasks: 'Nessuna attività da mostrare.',
    tasksNotShown:
      '… e altre {count} attività non elencate qui ({errored} delle quali con errore). Il report JSON contiene tutte le attività.',
    skippedByRule: 'Non eseguita: la regola {rule} non è soddisfatta da {tasks}',
    itemsLabel: 'Elementi',
    itemsSummary: '{items} elementi, {failed} non riusciti',
    failedIndices: 'indici non riusciti: {indices}',
    poolLabel: 'Pool',
    heapLabel: 'Memoria',
    heapAttempt: 'tentativo {attempt}: limite {limit}, usato {used}',
    poolHeap: 'quello del pool',
    reusedLabel: 'Riutilizzata',
    reusedFromReport: 'Non eseguita: il risultato è stato ripreso dal report dell’esecuzione {run}',
    reusedFromCache: 'Non eseguita: il risultato è stato ripreso dalla cache (salvato dall’esecuzione {run})',
  }),
});

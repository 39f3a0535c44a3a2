"""The ground every stage stands on, importing none of them: the data model (`core.article`), the errors
(`core.errors`), and the text utilities shared by ingestion, translation checks, summaries and briefs —
Arabic-script folding and digits (`core.normalize`), dates (`core.dates`), the names gazetteer (`core.names`),
English sentence splitting (`core.english`), and the writers' helpers (atomic files, HTML and Markdown
escaping: `core.output`)."""

"""Problems, rubrics, prompt templates and reference sheets, loaded into validated models."""

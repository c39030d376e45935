"""Languages as data: vocabulary folders (`vocab/<lang>/`), loading, identification."""

/* A shared object that is not a plugin: it has no nmk_plugin_entry. */
__attribute__((visibility("default"))) int not_a_plugin(void) { return 42; }

/* Baseline for the lint benchmark: libfyaml's event parse of a file and nothing else. */
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_yaml FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f)
        return 1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        return 1;
    fclose(f);
    struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET};
    struct fy_parser *p = fy_parser_create(&cfg);
    fy_parser_set_string(p, buf, (size_t)n);
    struct fy_event *e;
    size_t events = 0;
    while ((e = fy_parser_parse(p))) {
        events++;
        fy_parser_event_free(p, e);
    }
    fy_parser_destroy(p);
    free(buf);
    printf("%zu events\n", events);
    return 0;
}

/* The colour themes: one row of escape sequences per theme, by the meaning
 * of what is printed (enum style in render.h). high-contrast is for
 * projectors and light backgrounds: no dim text (faint is the first thing a
 * projector loses), no yellow or cyan (unreadable on white), emphasis by
 * bold, underline and reverse video, which keep their contrast on any
 * background. NO_COLOR and --no-color win over any theme (rc_col). */
#include <string.h>

#include "render/render.h"

const char *const theme_styles[THEME_COUNT][C_NSTYLES] = {
    [THEME_DEFAULT] =
        {
            [C_RESET] = "\033[0m",
            [C_BOLD] = "\033[1m",
            [C_DIM] = "\033[2m",
            [C_RED] = "\033[31m",
            [C_GREEN] = "\033[32m",
            [C_YELLOW] = "\033[33m",
            [C_CYAN] = "\033[36m",
            [C_MARK] = "\033[33m\033[1m",
            [C_RESET_BOLD] = "\033[0m\033[1m",
        },
    [THEME_HIGH_CONTRAST] =
        {
            [C_RESET] = "\033[0m",
            [C_BOLD] = "\033[1m",
            [C_DIM] = "", /* plain: the terminal's own foreground */
            [C_RED] = "\033[1;31m",
            [C_GREEN] = "\033[1;32m",
            [C_YELLOW] = "\033[1;35m", /* bold magenta */
            [C_CYAN] = "\033[1;4m",    /* bold, underlined */
            [C_MARK] = "\033[1;7m",    /* bold, reverse video */
            [C_RESET_BOLD] = "\033[0m\033[1m",
        },
};

static const char *const theme_names[THEME_COUNT] = {
    [THEME_DEFAULT] = "default",
    [THEME_HIGH_CONTRAST] = "high-contrast",
};

int theme_parse(const char *word, unsigned *out)
{
    for (unsigned t = 0; t < THEME_COUNT; t++)
        if (strcmp(word, theme_names[t]) == 0) {
            *out = t;
            return 0;
        }
    return -1;
}

const char *theme_name(unsigned theme)
{
    return theme_names[theme % THEME_COUNT];
}

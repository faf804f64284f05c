/*
 * The further FLASK checks of compound hooks (flask_hooks_extra.h). A hook
 * without a case here has exactly the one check its row names.
 */
#include "flask_hooks_extra.h"

int flask_hook_extra(enum xsm_hook_id id, const struct domain *subject, const struct domain *target,
                     uint32_t osid)
{
    (void)subject;
    (void)target;
    (void)osid;
    switch (id) {
    default:
        return 0;
    }
}

import rule from '../../../lint/rules/catch-must-report.js';
import { ruleTester } from './rule-tester';

ruleTester().run('catch-must-report', rule, {
  valid: [
    'try { a(); } catch (err) { log.warn("x.failed", err); }',
    'try { a(); } catch { throw new StationError("STORAGE_IO", "x"); }',
    'try { a(); } catch {\n  // The file may not exist yet: a first run.\n  return null;\n}',
    // reading the error is handling it (translated into a result)
    'try { a(); } catch (err) { return { ok: false, message: String(err) }; }',
    'try { a(); } catch (err) { reportFailure("x")(err); }',
    'p.catch((err) => log.error("x", err));',
    'p.catch(() => {\n  // Each caller gets its own error from the chain; this one only keeps it going.\n});',
    'p.catch(reportFailure("drain"));',
    'p.catch((err) => { state.error = err; });',
  ],
  invalid: [
    { code: 'try { a(); } catch { return null; }', errors: [{ messageId: 'silentCatch' }] },
    { code: 'try { a(); } catch (err) { return null; }', errors: [{ messageId: 'silentCatch' }] },
    // a comment outside the block does not count, nor a string that says "log"
    { code: '// why\ntry { a(); } catch { x("log"); }', errors: [{ messageId: 'silentCatch' }] },
    { code: 'p.catch(() => undefined);', errors: [{ messageId: 'silentHandler' }] },
    { code: 'p.catch(() => {});', errors: [{ messageId: 'silentHandler' }] },
    { code: 'p.catch((_err) => map.delete(key));', errors: [{ messageId: 'silentHandler' }] },
    { code: '// why\np.catch(() => undefined);', errors: [{ messageId: 'silentHandler' }] },
  ],
});

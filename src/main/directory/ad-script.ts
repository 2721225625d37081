/**
 * Why PowerShell at all: ADSI is the one way on Windows to search AD as the signed-in operator with
 * their own Kerberos ticket that needs nothing shipped with the app. An LDAP search through ldapts
 * would need SASL GSSAPI, i.e. the `kerberos` addon, which the installed app does not ship and must
 * not load (packaging/main-bundle.test.ts); `dsquery` is an RSAT tool most stations lack.
 *
 * The PowerShell the `ad` adapter runs: written on standard input to
 * `%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe -NoLogo -NoProfile -NonInteractive -Command -`
 * (no `-EncodedCommand`, no `-ExecutionPolicy Bypass`: what endpoint protection flags, and what
 * nothing here needs, since no script file is run).
 *
 * It works in Constrained Language Mode (AppLocker/WDAC-enforced stations): it uses only the
 * types that mode permits (`DirectorySearcher`, `PSObject`, `string`, `char`, `int`, arrays;
 * about_Language_Modes, "Allowed types") and core cmdlets, creates the searcher through its
 * constructor (CLM lets scripts set properties on core types only) and never calls a method of
 * another type (property reads and pipeline enumeration only). Every statement is one line: `-Command -`
 * runs standard input line by line.
 *
 * The searcher binds as the signed-in operator (ADSI with their Windows credentials: no password
 * exists). The query is data: the LDAP filter the station built and escaped (RFC 4515), placed in a
 * single-quoted literal after `adFilterLiteral` reduced it to printable ASCII without a quote, so
 * nothing can end the literal; the size limit is a number the station formats.
 *
 * Output is ASCII only, whatever the console code page (CLM cannot set [Console]::OutputEncoding):
 * text travels as UTF-16 code units (`[int[]][char[]]`), objectGUID as its 16 byte values.
 */
export const AD_ATTRIBUTES = ['objectGUID', 'displayName', 'cn', 'sAMAccountName', 'userPrincipalName'] as const;

/** The filter with every character outside printable ASCII, and the quote, written as RFC 4515 `\xx` UTF-8 escapes. */
export function adFilterLiteral(filter: string): string {
  return filter.replace(/[^\x20-\x26\x28-\x7e]/gu, (ch) => [...Buffer.from(ch, 'utf8')].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join(''));
}

export function adSearchScript(filter: string, sizeLimit: number): string {
  const literal = adFilterLiteral(filter);
  if (!/^[\x20-\x26\x28-\x7e]*$/.test(literal)) throw new Error('adSearchScript: the filter literal is not quote-free printable ASCII');
  if (!Number.isInteger(sizeLimit) || sizeLimit < 1 || sizeLimit > 1000) throw new Error(`adSearchScript: size limit ${sizeLimit}`);
  const text = (expr: string) => `[int[]][char[]][string](${expr} | Select-Object -First 1)`;
  const user =
    'New-Object PSObject -Property @{ ' +
    `objectGUID = [int[]]($p['objectguid'] | Select-Object -First 1); ` +
    `displayName = ${text("$p['displayname']")}; cn = ${text("$p['cn']")}; ` +
    `sAMAccountName = ${text("$p['samaccountname']")}; userPrincipalName = ${text("$p['userprincipalname']")} }`;
  return [
    "$ErrorActionPreference = 'Stop'",
    'try { ' +
      `$searcher = New-Object System.DirectoryServices.DirectorySearcher -ArgumentList '${literal}', ([string[]]@(${AD_ATTRIBUTES.map((a) => `'${a}'`).join(', ')})); ` +
      `$found = @($searcher.FindAll() | Select-Object -First ${sizeLimit} | ForEach-Object { $p = $_.Properties; ${user} }); ` +
      'New-Object PSObject -Property @{ domain = [int[]][char[]][string]$env:USERDOMAIN; users = $found } | ConvertTo-Json -Depth 4 -Compress ' +
      '} catch { ' +
      'New-Object PSObject -Property @{ error = [int[]][char[]][string]$_ } | ConvertTo-Json -Compress; exit 1 ' +
      '}',
    // -Command - ends a statement at a blank line; the end of input ends the process.
    '',
    '',
  ].join('\r\n');
}

/** The PowerShell arguments: the script comes on standard input, never on the command line. */
export const POWERSHELL_ARGS = ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', '-'] as const;

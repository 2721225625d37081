/**
 * The one PowerShell script the `ad` adapter runs (`-NoProfile -NonInteractive -EncodedCommand`).
 * It is a constant: the query (an LDAP filter the station built and escaped per RFC 4515, and a
 * size limit) arrives as JSON on standard input, so nothing an operator types is ever parsed as
 * PowerShell. It searches the signed-in operator's domain through ADSI (DirectorySearcher binds
 * with the operator's own Windows credentials: no password is configured or stored) and prints
 * one JSON array; objectGUID travels as base64 of its 16 bytes (converted in guid.ts).
 */
export const AD_SEARCH_SCRIPT = String.raw`
$ErrorActionPreference = 'Stop'
[Console]::InputEncoding = [System.Text.Encoding]::UTF8
[Console]::OutputEncoding = [System.Text.Encoding]::UTF8
$query = [Console]::In.ReadToEnd() | ConvertFrom-Json
$searcher = New-Object System.DirectoryServices.DirectorySearcher
$searcher.Filter = [string]$query.filter
$searcher.SizeLimit = [int]$query.sizeLimit
$searcher.ClientTimeout = [TimeSpan]::FromMilliseconds([int]$query.timeoutMs)
foreach ($name in @('objectGUID', 'displayName', 'cn', 'sAMAccountName', 'userPrincipalName')) {
  [void]$searcher.PropertiesToLoad.Add($name)
}
$found = @(foreach ($result in $searcher.FindAll()) {
  $p = $result.Properties
  [pscustomobject]@{
    objectGUID = [Convert]::ToBase64String([byte[]]$p['objectguid'][0])
    displayName = [string]($p['displayname'] | Select-Object -First 1)
    cn = [string]($p['cn'] | Select-Object -First 1)
    sAMAccountName = [string]($p['samaccountname'] | Select-Object -First 1)
    userPrincipalName = [string]($p['userprincipalname'] | Select-Object -First 1)
  }
})
[pscustomobject]@{ domain = $env:USERDOMAIN; users = $found } | ConvertTo-Json -Depth 4 -Compress
`;

/** What Windows PowerShell wants after -EncodedCommand: base64 of the script in UTF-16LE. */
export function encodedCommand(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

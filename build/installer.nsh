; Enrollment Station: electron-builder NSIS include (electron-builder.yml nsis.include).
;
; A custom install folder (silent `/D=C:\Apps\Enrollment Station`) would otherwise keep the ACL it
; inherits from its parent: on a folder such as C:\Apps, Authenticated Users may create and change
; files, so any local user could replace the station's executable or drop a DLL beside it and run as
; every operator. The default folder (%ProgramFiles%) is admin-only already and is left as it is.
;
; For a custom folder, after the files are copied, the folder and everything in it get an ACL that
; only administrators can change:
;   1. /reset: explicit ACEs anyone added to a folder they created beforehand are dropped (tree);
;   2. /setowner Administrators: an owner can always rewrite the ACL, so nobody else may own it;
;   3. /inheritance:r on the folder: nothing from the parent; then, inherited by everything inside,
;      Administrators and SYSTEM full control, Users and ALL APPLICATION PACKAGES read and execute
;      (as under Program Files, so Chromium's sandboxed processes can still load the app).
; Accounts are named by well-known SID (*S-1-5-32-544 Administrators, *S-1-5-18 SYSTEM,
; *S-1-5-32-545 Users, *S-1-15-2-1 ALL APPLICATION PACKAGES), so a localized Windows works the same.
; icacls is started by absolute path from the system folder ($SYSDIR). Any failure stops the
; installation with an error (exit code 2 for a silent install), rather than leave a writable folder.
; test/unit/packaging/installer-include.test.ts reads this file.

!macro esIcacls ARGS
  nsExec::ExecToLog `"$SYSDIR\icacls.exe" ${ARGS}`
  Pop $0
  ${if} $0 != 0
    SetErrorLevel 2
    Abort "Enrollment Station: could not make $INSTDIR admin-only (icacls exit $0). Install into %ProgramFiles% or fix the folder's permissions."
  ${endif}
!macroend

; The Windows Event Log source the station writes its audit and health events under (fleet view,
; docs/deploying.md "SIEM: event ids"; src/main/os-log/windows.ts writes through eventcreate.exe).
; Registering it needs an administrator, so the per-machine installer does it; a standard user's
; eventcreate may then write to an existing custom source. Removed again on uninstall.
!define ES_EVENT_SOURCE_KEY "SYSTEM\CurrentControlSet\Services\EventLog\Application\Enrollment Station"

!macro customInstall
  ${if} $INSTDIR != "$PROGRAMFILES64\${APP_FILENAME}"
    DetailPrint "Making the custom folder $INSTDIR admin-only"
    ; $0 carries icacls' exit code; the installer's own use of it is kept.
    Push $0
    !insertmacro esIcacls `"$INSTDIR" /reset /T /C /Q`
    !insertmacro esIcacls `"$INSTDIR" /setowner *S-1-5-32-544 /T /C /Q`
    !insertmacro esIcacls `"$INSTDIR" /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX *S-1-15-2-1:(OI)(CI)RX /C /Q`
    Pop $0
  ${endif}
  WriteRegExpandStr HKLM "${ES_EVENT_SOURCE_KEY}" "EventMessageFile" "%SystemRoot%\System32\EventCreate.exe"
  WriteRegDWORD HKLM "${ES_EVENT_SOURCE_KEY}" "TypesSupported" 7
  WriteRegDWORD HKLM "${ES_EVENT_SOURCE_KEY}" "CustomSource" 1
!macroend

!macro customUnInstall
  DeleteRegKey HKLM "${ES_EVENT_SOURCE_KEY}"
!macroend

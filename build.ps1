#!/usr/bin/env -S dotnet pwsh
<#
.SYNOPSIS
    Builds the Gasleser module into out/Gasleser/; -Install installs it for this user; -Test runs every test; -Demo
    opens a shell against simulated devices; -Package makes the gallery package.
.DESCRIPTION
    A wrapper around the .NET SDK, which does all the work: 'dotnet build' stages the importable module folder
    (and Pester 5.9.1 in out/Pester/ for the tests), 'dotnet test' runs the xunit suite.
    -Test makes the package (as -Package), runs the xunit suite, then the Pester suites (tests/*.Tests.ps1), each in
    a fresh pwsh process, and ends with one line: "Gasleser: N passed, N failed". It exits non-zero when anything failed.
    -Demo starts simulated devices on 127.0.0.1 in the background, opens a new pwsh with the module imported and
    a first reading on the screen, and stops the devices when that shell is left (exit).
    -Install copies the staged module into this user's module folder of the PowerShell running the script
    (pwsh: ~/.local/share/powershell/Modules on Linux and macOS, Documents\PowerShell\Modules on Windows; Windows
    PowerShell: Documents\WindowsPowerShell\Modules), as Gasleser/<version>/, replacing any copy already there, so
    that 'Import-Module Gasleser' (and command auto-loading) works in every new shell and scheduled task.
    Run it from the repository folder: 'dotnet pwsh ./build.ps1 ...' (after 'dotnet tool restore'),
    './build.ps1 ...' from bash, or './build.ps1 ...' in your own pwsh or Windows PowerShell.
.EXAMPLE
    dotnet pwsh ./build.ps1 -Install
    # then, in any new pwsh: Get-GasleserReading 192.168.2.132
.EXAMPLE
    dotnet pwsh ./build.ps1 -Test
.EXAMPLE
    dotnet pwsh ./build.ps1 -Demo
.EXAMPLE
    ./build.ps1 -Package -Configuration Release
    # out/package/Gasleser/<version>/ (the layout Install-Module creates) and out/package/Gasleser.<version>.nupkg
#>
[CmdletBinding()]
param(
    [switch] $Test,
    [switch] $Demo,
    [switch] $Install,
    [switch] $Package,
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',
    # The first simulated device's port for -Demo; the others take the next ones.
    [int] $DemoPort = 8080
)

$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

# The demo needs only the module and the simulator, an install only the module; tests and packaging build everything.
$projects = if ($Test -or $Package -or -not ($Demo -or $Install)) { @('Gasleser.sln') }
            else { @('src/Gasleser/Gasleser.csproj') + @(if ($Demo) { 'src/Gasleser.Simulator/Gasleser.Simulator.csproj' }) }
foreach ($project in $projects) {
    dotnet build $project -c $Configuration -nologo -v:q -tl:off
    if ($LASTEXITCODE -ne 0) { throw "dotnet build $project failed ($LASTEXITCODE)." }
}
Write-Host "Module staged in $(Join-Path $PSScriptRoot 'out/Gasleser')"

if ($Install) {
    $staged = Join-Path $PSScriptRoot 'out/Gasleser'
    $version = (Import-PowerShellDataFile (Join-Path $staged 'Gasleser.psd1')).ModuleVersion
    $userModules = if ($PSVersionTable.PSEdition -eq 'Desktop') { Join-Path ([Environment]::GetFolderPath('MyDocuments')) 'WindowsPowerShell/Modules' }
                   elseif ($IsWindows) { Join-Path ([Environment]::GetFolderPath('MyDocuments')) 'PowerShell/Modules' }
                   elseif ($env:XDG_DATA_HOME) { Join-Path $env:XDG_DATA_HOME 'powershell/Modules' }
                   else { Join-Path $HOME '.local/share/powershell/Modules' }
    $target = Join-Path $userModules 'Gasleser'
    # Every copy already there goes, whatever its version: Import-Module Gasleser then finds this one.
    if (Test-Path $target) { Remove-Item $target -Recurse -Force }
    New-Item -ItemType Directory (Join-Path $target $version) -Force | Out-Null
    Copy-Item (Join-Path $staged '*') (Join-Path $target $version) -Recurse
    Copy-Item (Join-Path $PSScriptRoot 'LICENSE'), (Join-Path $PSScriptRoot 'README.md') (Join-Path $target $version)
    Write-Host "Gasleser $version installed in $(Join-Path $target $version): 'Import-Module Gasleser' works in every new shell of this user."
}

if ($Test) {
    # The package, as -Package makes it: the Pester suite installs it with Install-PSResource (LoadContext.Tests.ps1).
    dotnet msbuild src/Gasleser/Gasleser.csproj -t:Package -p:Configuration=$Configuration -nologo -v:q
    if ($LASTEXITCODE -ne 0) { throw "packaging failed ($LASTEXITCODE)." }
    $xunitLog = Join-Path ([IO.Path]::GetTempPath()) "gasleser-xunit-$PID.log"
    dotnet test Gasleser.sln -c $Configuration --no-build --logger 'console;verbosity=normal' | Tee-Object -FilePath $xunitLog
    $xunitExit = $LASTEXITCODE
    # The normal-verbosity summary: "Total tests: N" then "Passed: N" and, when any failed, "Failed: N".
    $xunitText = Get-Content $xunitLog -Raw
    Remove-Item $xunitLog -ErrorAction SilentlyContinue
    $xunit = $xunitText -match 'Total tests: \d+'
    $passed = if ($xunitText -match '(?m)^\s+Passed: (\d+)') { [int]$Matches[1] } else { 0 }
    $failed = if ($xunitText -match '(?m)^\s+Failed: (\d+)') { [int]$Matches[1] } else { 0 }
    $xunitSummary = "$passed passed, $failed failed"
    if ($xunitExit -ne 0 -and $failed -eq 0) { $failed = 1 }

    $pesterLog = Join-Path ([IO.Path]::GetTempPath()) "gasleser-pester-$PID.log"
    & ([Environment]::ProcessPath) @(if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' }) `
        -NoProfile -File (Join-Path $PSScriptRoot 'tests/Invoke-PesterSuite.ps1') | Tee-Object -FilePath $pesterLog
    $pesterExit = $LASTEXITCODE
    $pester = Select-String -Path $pesterLog -Pattern '^Pester: (\d+) passed, (\d+) failed' | Select-Object -Last 1
    Remove-Item $pesterLog -ErrorAction SilentlyContinue
    $passed += if ($pester) { [int]$pester.Matches[0].Groups[1].Value } else { 0 }
    $failed += if ($pester) { [int]$pester.Matches[0].Groups[2].Value } elseif ($pesterExit -ne 0) { 1 } else { 0 }

    Write-Host "xunit: $(if ($xunit) { $xunitSummary } else { 'no summary' }); Pester: $(if ($pester) { $pester.Matches[0].Value -replace '^Pester: ' } else { 'no summary' })"
    Write-Host "Gasleser: $passed passed, $failed failed"
    if ($failed -gt 0 -or $xunitExit -ne 0 -or $pesterExit -ne 0) { exit 1 }
}

if ($Package) {
    dotnet msbuild src/Gasleser/Gasleser.csproj -t:Package -p:Configuration=$Configuration -nologo
    if ($LASTEXITCODE -ne 0) { throw "packaging failed ($LASTEXITCODE)." }
}

if ($Demo) {
    $simulator = Join-Path $PSScriptRoot "src/Gasleser.Simulator/bin/$Configuration/net10.0/Gasleser.Simulator.dll"
    $devices = @("127.0.0.1:$DemoPort", "127.0.0.1:$($DemoPort + 1)", "127.0.0.1:$($DemoPort + 2)=OldFirmware")
    $log = Join-Path ([IO.Path]::GetTempPath()) "gasleser-demo-$PID.log"
    $started = Start-Process dotnet -ArgumentList (@($simulator) + $devices) -PassThru -RedirectStandardOutput $log `
        -RedirectStandardError "$log.err" -NoNewWindow
    try {
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (-not ((Test-Path $log) -and (Select-String -Path $log -Pattern 'Ctrl\+C stops' -Quiet))) {
            if ($started.HasExited -or [DateTime]::UtcNow -gt $deadline) {
                throw "The simulator did not start (is port $DemoPort taken? try -DemoPort 18080): $(Get-Content "$log.err" -Raw)"
            }
            Start-Sleep -Milliseconds 100
        }
        $manifest = Join-Path $PSScriptRoot 'out/Gasleser/Gasleser.psd1'
        $welcome = @"
Import-Module '$manifest'
Write-Host 'Simulated Gasleser devices: 127.0.0.1:$DemoPort and 127.0.0.1:$($DemoPort + 1); 127.0.0.1:$($DemoPort + 2) has old firmware.' -ForegroundColor Cyan
Write-Host 'Try: Watch-GasleserReading 127.0.0.1:$DemoPort -Count 3 | Format-Table    Get-Help about_Gasleser    exit (stops the devices)' -ForegroundColor Cyan
Get-GasleserReading 127.0.0.1:$DemoPort
"@
        $exe = [Environment]::ProcessPath
        $shell = if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { @($exe, (Join-Path $PSHOME 'pwsh.dll')) }
                 elseif ($PSVersionTable.PSEdition -eq 'Desktop') { @('powershell.exe') }
                 else { @($exe) }
        & $shell[0] @($shell | Select-Object -Skip 1) -NoExit -NoProfile -Command $welcome
    }
    finally {
        if (-not $started.HasExited) { Stop-Process -Id $started.Id -ErrorAction SilentlyContinue }
        Remove-Item $log, "$log.err" -ErrorAction SilentlyContinue
        Write-Host 'Simulated devices stopped.'
    }
}

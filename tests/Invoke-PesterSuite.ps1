#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Runs the Pester suites (tests/*.Tests.ps1), each file in a fresh pwsh process of its own, side by side.
.DESCRIPTION
    Needs the build (dotnet build): the staged module in out/Gasleser/ and Pester 5.9.1 in out/Pester/, which the
    test project downloads from NuGet and copies there. Each file runs in its own real pwsh process, as a user's
    shell would load the module; the files run in parallel (most of their time is the device's real 10 s limit).
    Prints each file's Pester output, then one summary line; exits 1 when any test failed or a file did not run.
.EXAMPLE
    dotnet pwsh tests/Invoke-PesterSuite.ps1
.EXAMPLE
    dotnet pwsh tests/Invoke-PesterSuite.ps1 -Path tests/Logging.Tests.ps1
#>
[CmdletBinding()]
param(
    [string[]] $Path = (Get-ChildItem (Join-Path $PSScriptRoot '*.Tests.ps1')).FullName,
    [int] $ThrottleLimit = 4,
    [int] $TimeoutMinutes = 8
)

$ErrorActionPreference = 'Stop'
$repo = Split-Path $PSScriptRoot -Parent
$pester = Join-Path $repo 'out/Pester/Pester.psd1'
if (-not (Test-Path $pester)) { throw "Pester is not staged at ${pester}: build first (dotnet build)." }
Import-Module (Join-Path $PSScriptRoot 'Pester/TestSupport.psm1')
$pwsh = Get-PwshCommand

$results = Join-Path ([IO.Path]::GetTempPath()) ('gasleser-pester-' + [guid]::NewGuid().ToString('n').Substring(0, 8))
New-Item -ItemType Directory $results | Out-Null
$runs = [Collections.Generic.List[object]]::new()
$queue = [Collections.Generic.Queue[string]]::new([string[]] @($Path | ForEach-Object { (Resolve-Path $_).Path }))
$deadline = [DateTime]::UtcNow.AddMinutes($TimeoutMinutes)

function Start-File([string] $file) {
    $name = [IO.Path]::GetFileNameWithoutExtension($file)
    $summary = Join-Path $results "$name.json"
    $command = "Import-Module '$pester'; " +
        "`$c = New-PesterConfiguration; `$c.Run.Path = '$file'; `$c.Run.PassThru = `$true; `$c.Output.Verbosity = 'Detailed'; `$PSStyle.OutputRendering = 'PlainText'; " +
        "`$r = Invoke-Pester -Configuration `$c; " +
        "[pscustomobject]@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount; Skipped = `$r.SkippedCount; NotRun = `$r.NotRunCount; " +
        "FailedBlocks = `$r.FailedBlocksCount; FailedContainers = `$r.FailedContainersCount } | ConvertTo-Json | Set-Content '$summary'"
    $arguments = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $command)
    $out = Join-Path $results "$name.out"
    $process = Start-Process $pwsh[0] -ArgumentList $arguments -PassThru -RedirectStandardOutput $out -RedirectStandardError (Join-Path $results "$name.err")
    $runs.Add([pscustomobject]@{ File = $file; Name = $name; Process = $process; Out = $out; Summary = $summary; Printed = $false })
}

while ($queue.Count -gt 0 -or @($runs | Where-Object { -not $_.Process.HasExited }).Count -gt 0) {
    while ($queue.Count -gt 0 -and @($runs | Where-Object { -not $_.Process.HasExited }).Count -lt $ThrottleLimit) {
        Start-File $queue.Dequeue()
    }
    if ([DateTime]::UtcNow -gt $deadline) {
        $runs | Where-Object { -not $_.Process.HasExited } | ForEach-Object { Stop-Process -Id $_.Process.Id -Force -ErrorAction SilentlyContinue }
        Write-Warning "Stopped Pester files still running after $TimeoutMinutes minutes."
        break
    }
    Start-Sleep -Milliseconds 250
}

$passed = 0; $failed = 0; $skipped = 0
foreach ($run in $runs) {
    $run.Process.WaitForExit()
    Write-Host "===== $($run.Name) ====="
    Get-Content $run.Out | Write-Host
    Get-Content (Join-Path $results "$($run.Name).err") -ErrorAction SilentlyContinue | Write-Host
    if (Test-Path $run.Summary) {
        $s = Get-Content $run.Summary -Raw | ConvertFrom-Json
        $passed += $s.Passed; $skipped += $s.Skipped
        $failed += $s.Failed + $s.FailedBlocks + $s.FailedContainers
    }
    else {
        Write-Host "$($run.Name) did not finish: counted as one failure."
        $failed += 1
    }
}

Write-Host "Pester: $passed passed, $failed failed, $skipped skipped"
Remove-Item $results -Recurse -Force -ErrorAction SilentlyContinue
exit ([int]($failed -gt 0))

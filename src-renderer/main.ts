/**
 * Entry of the renderer: mounts the Svelte app. The page runs in the Electron window (API
 * over IPC via the preload) or in a browser opened on the web host's address.
 */
import { mount } from 'svelte';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import App from './App.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target });
